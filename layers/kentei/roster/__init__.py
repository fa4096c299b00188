"""The roster (受検者名簿): examinees and their sittings (受検), registered when staff accept
an application (R7), with exam numbers (R8)."""
