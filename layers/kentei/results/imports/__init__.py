"""Result files (R11): a file of scores from an association, checked into a report before
anything is applied.

- :mod:`~kentei.results.imports.encoding`: CP932 or UTF-8 (with or without BOM), detected
  from the bytes, decoded as a stream.
- :mod:`~kentei.results.imports.mappings`: each source's columns and spellings, as data
  (``mappings.json``, checked by ``python -m kentei.results.imports check``).
- :mod:`~kentei.results.imports.rows`: each row into a :class:`ResultRow` or its problems,
  against the roster through :class:`~kentei.results.imports.directory.SittingDirectory`.
- :mod:`~kentei.results.imports.report`: counts, the first problems, the problems as CSV.

- :mod:`~kentei.results.imports.record`: an import as the system keeps it (status, counts,
  the first problems; never a value).

Pure: the file arrives as byte chunks, the roster through a port. The API that takes the
upload is intake's (:mod:`intake.result_imports`); the check and the commit are sync's
(:mod:`sync.imports`), over :mod:`kentei.data.result_files`, :mod:`kentei.data.result_imports`
and :mod:`kentei.data.result_sittings`.
"""
