"""The exam ticket (受検票): what it says (``content``) and its PDF (``pdf``)."""
