"""Exemptions (免除): which parts of a sitting a prior pass or part pass exempts.

The rules are data (``rules.json``, :mod:`kentei.exemptions.rules`); the decision
(:func:`kentei.exemptions.decision.decide_exemptions`) is pure and is kept on the sitting
(:attr:`kentei.roster.sitting.Sitting.exemptions`), made at registration.
"""
