"""The sync function."""
