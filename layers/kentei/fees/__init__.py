"""受検手数料: the fee schedule as data (:mod:`kentei.fees.schedule`), a sitting's fees
(:mod:`kentei.fees.assessment`) and their payments (:mod:`kentei.fees.payments`)."""
