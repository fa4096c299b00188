"""Result files (R11): a file of scores from an association, checked into a report before
anything is applied.

- :mod:`~kentei.results.imports.encoding`: CP932 or UTF-8 (with or without BOM), detected
  from the bytes, decoded as a stream.
- :mod:`~kentei.results.imports.mappings`: each source's columns and spellings, as data
  (``mappings.json``, checked by ``python -m kentei.results.imports check``).
- :mod:`~kentei.results.imports.rows`: each row into a :class:`ResultRow` or its problems,
  against the roster through :class:`~kentei.results.imports.directory.SittingDirectory`.
- :mod:`~kentei.results.imports.report`: counts, the first problems, the problems as CSV.

Pure: the file arrives as byte chunks, the roster through a port. Next (not here): the API
that takes the upload, the S3 object it streams from, and the commit that applies a clean
file's rows.
"""
