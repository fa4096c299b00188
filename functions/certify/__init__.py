"""The certify function."""
