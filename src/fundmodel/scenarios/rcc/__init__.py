"""Regional Care Co-operative pooling: membership, pooled budgets against actual spend.

The Care Review (recommendation 5.2) proposed about 20 Regional Care Co-operatives (RCCs)
that would commission all children's placements for their member councils. Children
England's objection is arithmetic: councils would pool their *designated placement
budgets*, but most councils overspend those budgets every year, so a pool of budgets has
less spending power than councils actually spend. Supporters answer that scale brings
lower prices. This module costs both claims per RCC and nationally.

Designated budgets come from data by default (``budget_source: data``): council i puts in
its Revenue Account children-looked-after budget B_i (RA line 313, 2023-24, or your budget
file ``code,period,line,budget``) and its actual spend S_i is the RO3 looked-after outturn
of the same year; a council lacking either figure is excluded and named, never filled. With
``budget_source: assumed`` (an option, labelled as an assumption in every summary) S_i is
the section 251 looked-after outturn (``s251_lac_2024_25``) and an overspend rate r gives:

* designated budget (what it puts in): B_i = S_i / (1 + r)  (or a budget column);
* the pool pays its children's placements at pool prices: C_i = S_i x (1 - s), where
  s is the price reduction from scale (default 0: "not evidenced");
* pool balance per RCC: sum B - sum C (negative = the spending-power shortfall);
* the balance is settled by the members in proportion to a stated rule (spend,
  contribution or any data column): top-ups when short, refunds when in surplus;
* cross-subsidy_i = C_i - B_i - settlement_i: what the pool paid for council i's
  children beyond what council i paid in. It sums to zero in every RCC, to the penny.

(Both measures are looked-after children's services spend, which is wider than placements:
s251 ``TotalLACFinance`` also holds adoption, special guardianship, education of looked-after
children, leaving care and asylum services, and RA/RO3 line 313 more than placement costs.
They stand in for the placement budgets an RCC would pool, and every summary says
"looked-after".)

All money is whole pence: each RCC's contributions, payments and settlements are rounded
by largest remainder so each adds up exactly to the RCC's rounded total (ties to the lower
ONS code). Councils outside any RCC ("standalone") commission as now.

>>> import pandas as pd
>>> from fundmodel import authorities_from_frame
>>> la = authorities_from_frame(pd.DataFrame({
...     "code": ["E06000001", "E06000002", "E06000003"],
...     "name": ["Hartlepool", "Middlesbrough", "Redcar and Cleveland"],
...     "region": "North East", "council_type": "unitary",
...     "s251_lac_2024_25": [114_200, 228_400, 57_100]}), require_all=False)
>>> scenario = RCCScenario(
...     header={"title": "Two-council pool", "assumes": "14.2% overspend, no savings"},
...     budget_source="assumed",
...     membership={"members": {"E06000001": "North", "E06000002": "North",
...                             "E06000003": "standalone"}})
>>> res = scenario.run(la)
>>> res.rcc_frame()[["rcc", "pooled_budget", "member_spend", "shortfall"]].to_dict("records")
[{'rcc': 'North', 'pooled_budget': 300000.0, 'member_spend': 342600.0, 'shortfall': 42600.0}]
>>> round(res.break_even_savings(), 4)  # 0.142 / 1.142
0.1243
>>> real = RCCScenario(header={"title": "20 RCCs, real budgets", "assumes": "membership"}).run()
>>> len(real.excluded), real.scenario.period
(16, '2023-24')
"""

from __future__ import annotations

from fundmodel.scenarios.rcc.membership import (
    STANDALONE,
    Membership,
)
from fundmodel.scenarios.rcc.real import RCC_LINE, RealBudgets, real_budgets
from fundmodel.scenarios.rcc.result import (
    RCCResult,
    hhi,
)
from fundmodel.scenarios.rcc.rounding import round_in_groups
from fundmodel.scenarios.rcc.scenario import (
    LGA_OVERSPEND_2022_25,
    LGA_PLACEMENTS_2022_23,
    LGA_PLACEMENTS_2023_24,
    NAO_CHILDREN_IN_CARE_2018_19,
    OVERSPEND_ALTERNATIVES,
    RCC_PARAMETERS,
    REVIEWED,
    SCALE_SAVINGS_NOT_EVIDENCED,
    SHARE_RULES,
    RCCScenario,
    pool,
)

__all__ = [
    "LGA_OVERSPEND_2022_25",
    "LGA_PLACEMENTS_2022_23",
    "LGA_PLACEMENTS_2023_24",
    "NAO_CHILDREN_IN_CARE_2018_19",
    "OVERSPEND_ALTERNATIVES",
    "RCC_LINE",
    "RCC_PARAMETERS",
    "REVIEWED",
    "SCALE_SAVINGS_NOT_EVIDENCED",
    "SHARE_RULES",
    "STANDALONE",
    "Membership",
    "RCCResult",
    "RCCScenario",
    "RealBudgets",
    "hhi",
    "pool",
    "real_budgets",
    "round_in_groups",
]
