"""Pass certificates: the documents issued for a pass, and their PAdES signature."""
