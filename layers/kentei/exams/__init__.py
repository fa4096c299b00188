"""The national exam catalogue and the exam rounds, as validated data files.

``catalogue.json`` lists the trades (職種), their works (作業) and the grades (級) each offers,
with the written format and the practical components of each grade; ``rounds.json`` lists the
rounds (試験回) of each fiscal year. Both ship with the package, are read once
(:func:`kentei.exams.catalogue.load_catalogue`, :func:`kentei.exams.rounds.load_rounds`) and
are checked at build time (``python -m kentei.exams check``, run by ``make lint``). The
national catalogue is edited here, in the repository, never through the API; prefectures add
their own sessions elsewhere.
"""
