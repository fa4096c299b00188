"""Past passers (R17): the associations' records of people who passed before the system
existed, imported from their files and linked to a person by an initial registration.

- :mod:`~kentei.results.historical.model`: a historical pass record and its link status.
- :mod:`~kentei.results.historical.file`: a historical passer file (CSV, the result files'
  encoding detection and mappings) checked row by row into records or problems.
- :mod:`~kentei.results.historical.apply`: a clean file applied idempotently to a store.
- :mod:`~kentei.results.historical.matching`: an initial registration's claim matched to the
  record (the number, name and birth date), and the pass record a link writes.

Pure, except ``python -m kentei.results.historical`` (the operators' import command).
"""
