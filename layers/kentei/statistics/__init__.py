"""Statistics for release (統計): counts by work, grade and result, with small cells
suppressed (:mod:`kentei.statistics.suppression`) and no identifiers
(:mod:`kentei.statistics.round_table`). Pure: the counts come from the data layer."""
