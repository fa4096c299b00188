"""A person's disclosure (開示, P10): everything the system holds about them in a prefecture,
assembled by verify (:mod:`kentei.disclosures.document`, pure), sealed under a one-time
passphrase (:mod:`kentei.disclosures.sealing`), opened on the person's side with
``python -m kentei.disclosures open FILE`` (the passphrase on stdin)."""
