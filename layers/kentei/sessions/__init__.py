"""Exam sessions (試験日程・会場) and seats (R8).

Staff (exam_admin) create the sessions of their prefecture: a round, a work and grade, a part
(学科, or one practical component of the catalogue), a date, JST start and end times, a venue and
a capacity (:mod:`kentei.sessions.model`, checked by :mod:`kentei.sessions.rules`, created and
changed over a store port by :mod:`kentei.sessions.staff`). Accepted
sittings are then seated in the sessions of each part they sit, up to capacity, in order of
acceptance with group applications kept together; the rest wait, visibly; staff may move one
sitting (:mod:`kentei.sessions.seating`, over the ports it declares). The records table holds
sessions and seats (:mod:`kentei.data.sessions`). Pure: no I/O, no HTTP.
"""
