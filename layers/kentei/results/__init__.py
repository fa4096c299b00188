"""Results and passes (R11, R12): what a round's scores decide.

- :mod:`kentei.results.imports`: result files (CSV in CP932 or UTF-8), read as a stream, each
  row checked into a report before anything is applied.
- :mod:`kentei.results.rules`: the pass rules as versioned data per fiscal year × work × grade.
- :mod:`kentei.results.decision`: a sitting's scores and exemptions against its rules: each
  part passed or failed, and why.

Pure: no I/O. The sync function stores results and decisions (:mod:`kentei.data`).
"""
