"""Investment asks over several years: the Care Review's £2.6bn, £2bn for Family Help, and others.

An :class:`InvestmentScenario` holds a headline total, an optional year profile, how to
phase the money (``profile``: the published year amounts as they are; ``headline_even``:
the headline spread evenly over N years), an optional ring-fenced share, how to
distribute each year's money to councils, and an optional deflator for real terms.

**Phasing is never rescaled.** When a published profile does not add up to its headline
(the Care Review's profile sums to £2,523m against "£2.6bn") the result reports the
difference; choose ``phasing: headline_even`` to spend the headline instead.

**Distribution** reuses the engine (:func:`fundmodel.engine.allocate.allocate`): either any
:class:`~fundmodel.engine.formula.NeedsFormula` (``method: formula``; ``formula: children_act``
names the preset) or shares in proportion to an existing spend column (``method: spend``,
e.g. ``s251_family_support_2024_25``). With ``method: spend`` a council missing that
column is an error unless ``missing: exclude`` is chosen: then those councils receive
nothing, the others share the whole year amount, and the result names them.

Each year's council amounts are whole pence summing exactly to that year's amount
(largest remainder, ties to the lower ONS code). A ring-fenced share and real-terms
amounts are rounded the same way, to year totals rounded half to even.

Outputs per council per year: amount, per child aged 0-17 (``children_0_17``), per child
in need (``cin_count_2025``) and as a percentage of the council's 2024-25 children's and
young people's services outturn (``s251_cyps_total_2024_25``). These are output ratios:
where a denominator is missing or zero the ratio is NaN and the result's notes name the
councils (the amount itself is unaffected).

>>> from fundmodel.scenarios.base import load_scenario_text
>>> from fundmodel.testing import synthetic_authorities
>>> s = load_scenario_text('''
... kind: investment
... header: {title: Small ask, assumes: shares of children}
... headline: 1000
... profile: [{year: 2025-26, amount: 300}, {year: 2026-27, amount: 600}]
... distribution: {method: spend, column: x0}
... ''')
>>> res = s.run(synthetic_authorities([[1.0], [3.0]]))
>>> res.difference
100.0
>>> res.to_frame()[["code", "year", "amount"]].to_dict("list")  # doctest: +NORMALIZE_WHITESPACE
{'code': ['E06900000', 'E06900001', 'E06900000', 'E06900001'],
 'year': ['2025-26', '2025-26', '2026-27', '2026-27'], 'amount': [75.0, 225.0, 150.0, 450.0]}
"""

from __future__ import annotations

from fundmodel.engine.years import (
    YEAR_PATTERN,
    Deflator,
    DeflatorPoint,
    PriceIndex,
    check_consecutive,
    year_label,
    year_start,
)
from fundmodel.scenarios.family_help.model import (
    Distribution,
    FormulaDistribution,
    InvestmentScenario,
    ProfileYear,
    SpendDistribution,
)
from fundmodel.scenarios.family_help.result import (
    CHILDREN,
    CHILDREN_IN_NEED,
    CSC_OUTTURN,
    InvestmentResult,
)
from fundmodel.scenarios.family_help.run import run_investment

__all__ = [
    "CHILDREN",
    "CHILDREN_IN_NEED",
    "CSC_OUTTURN",
    "YEAR_PATTERN",
    "Deflator",
    "DeflatorPoint",
    "Distribution",
    "FormulaDistribution",
    "InvestmentResult",
    "InvestmentScenario",
    "PriceIndex",
    "ProfileYear",
    "SpendDistribution",
    "check_consecutive",
    "run_investment",
    "year_label",
    "year_start",
]
