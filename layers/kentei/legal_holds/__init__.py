"""Legal holds (訴訟ホールド) on the retention job, as operators place and lift them: the ops
command line (``python -m kentei.legal_holds``) over :class:`kentei.data.retention.
PrefectureLegalHolds`."""
