"""保存期間: the retention schedule as data (:mod:`kentei.retention.schedule`), its record kinds
(:mod:`kentei.retention.kinds`), the minimum periods it is checked against
(:mod:`kentei.retention.minimums`) and the calendar arithmetic of its periods in Japan time
(:mod:`kentei.retention.periods`)."""
