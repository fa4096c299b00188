"""Unit tests of the intake function (named ``intake_api``: a test package called ``intake``
would shadow the function's own package on ``sys.path``)."""
