"""The balance of spending per council over time: prevention vs late intervention, statutory
vs non-statutory, safeguarding vs non-safeguarding.

Data: the embedded section 251 outturn (gross, GBP cash, 2016-17 to 2024-25, seven service
lines), the same lines from 2008-09 (``dataset="s251_history"``: DfE's per-year tables to
2015-16 joined to LAIT, :mod:`~fundmodel.scenarios.spending.history`) and RO3 (net, 2022-23
to 2024-25) series. Real terms use HM Treasury's GDP deflator (March 2026) by default.
A :class:`Taxonomy` maps every service line of a dataset to a category, each line with its
reason and source; three ship with fundmodel (:func:`shipped_taxonomies`) and users write
their own in YAML (:func:`load_taxonomy`).
:func:`analyse_spending` pivots the series to lines x councils x years arrays once and returns
a :class:`SpendingAnalysis`: spend and shares by category, real terms (the GDP deflator,
or a :class:`Deflator` you pass), per child aged 0-17, growth, councils ranked by the change
in the focus share,
national and regional aggregates (which reproduce the England totals DfE publishes),
demand per 10,000 children beside spend, simple spend/demand elasticities, and the cost of
reaching a target share (:meth:`SpendingAnalysis.target_check`).

**Gaps stay gaps.** A council-year with any mapped line missing (an authority that did not
exist yet, a figure withdrawn by DfE, a return not submitted) has no total and no shares;
the reason is kept (``gap`` column). Nothing is interpolated, filled or carried forward.

>>> a = analyse_spending(load_taxonomy("prevention"))
>>> eng = a.aggregates().query("area == 'England'").set_index("period")
>>> [round(100 * float(eng.loc[p, "focus_share"]), 1) for p in ("2016-17", "2024-25")]
[25.2, 18.4]
"""

from __future__ import annotations

from fundmodel.scenarios.spending.analyse import analyse_spending
from fundmodel.scenarios.spending.analysis import SpendingAnalysis
from fundmodel.scenarios.spending.arithmetic import (
    add_to_target,
    arc_elasticity,
    category_spend,
    move_to_target,
    shares,
)
from fundmodel.scenarios.spending.cube import (
    DEMAND_MEASURES,
    statistical_neighbours,
)
from fundmodel.scenarios.spending.history import (
    HISTORY_MEASURES,
    JOIN_NOTES,
    JOIN_YEAR,
    gdp_deflator,
    s251_history_frame,
    successors,
)
from fundmodel.scenarios.spending.lines import (
    ELASTICITY_MIN_DEMAND_CHANGE,
    LINE_DATASET,
    NAO_PREVENTIVE_SHARE_2010_11,
    NAO_PREVENTIVE_SHARE_2017_18,
    PROMISE_PREVENTIVE_SHARE,
    RECONCILE_TOLERANCE,
    REVIEWED,
    SERVICE_LINES,
    SPENDING_PARAMETERS,
    TOTAL_LINE,
    WEBB_ELASTICITY_HIGH,
    WEBB_ELASTICITY_LOW,
    Dataset,
    ObjArray,
    Role,
    ServiceLine,
    dataset_lines,
)
from fundmodel.scenarios.spending.nao import (
    NAO_DIFFERENCES,
    comparable_area_series,
    england_series,
    nao_comparison,
)
from fundmodel.scenarios.spending.scenario import (
    SpendingResult,
    SpendingScenario,
    prevention_scenario,
)
from fundmodel.scenarios.spending.substitute import (
    substitution_table,
)
from fundmodel.scenarios.spending.targets import (
    TargetCheck,
)
from fundmodel.scenarios.spending.taxonomy import (
    Category,
    ExcludedLine,
    LineMapping,
    Taxonomy,
    load_taxonomy,
    shipped_taxonomies,
    taxonomy_from_data,
)

__all__ = [
    "DEMAND_MEASURES",
    "ELASTICITY_MIN_DEMAND_CHANGE",
    "HISTORY_MEASURES",
    "JOIN_NOTES",
    "JOIN_YEAR",
    "LINE_DATASET",
    "NAO_DIFFERENCES",
    "NAO_PREVENTIVE_SHARE_2010_11",
    "NAO_PREVENTIVE_SHARE_2017_18",
    "PROMISE_PREVENTIVE_SHARE",
    "RECONCILE_TOLERANCE",
    "REVIEWED",
    "SERVICE_LINES",
    "SPENDING_PARAMETERS",
    "TOTAL_LINE",
    "WEBB_ELASTICITY_HIGH",
    "WEBB_ELASTICITY_LOW",
    "Category",
    "Dataset",
    "ExcludedLine",
    "LineMapping",
    "ObjArray",
    "Role",
    "ServiceLine",
    "SpendingAnalysis",
    "SpendingResult",
    "SpendingScenario",
    "TargetCheck",
    "Taxonomy",
    "add_to_target",
    "analyse_spending",
    "arc_elasticity",
    "category_spend",
    "comparable_area_series",
    "dataset_lines",
    "england_series",
    "gdp_deflator",
    "load_taxonomy",
    "move_to_target",
    "nao_comparison",
    "prevention_scenario",
    "s251_history_frame",
    "shares",
    "shipped_taxonomies",
    "statistical_neighbours",
    "substitution_table",
    "successors",
    "taxonomy_from_data",
]
