"""A person's requests about their own data (P10): disclosure, correction and suspension of
use, each handled per prefecture by its own procedure (:mod:`.procedures`)."""
