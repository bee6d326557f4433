"""Council overspends: budget against outturn per council per year, persistence, projection.

Two kinds of input (``data.source``):

``csv``: a user file with one row per council per year and exactly these columns::

    code,period,budget,outturn
    E06000001,2023-24,41000000,45500000

* ``code``: the council's current ONS code (one of the authorities the scenario runs on;
  unknown or former codes are rejected);
* ``period``: a financial year label such as ``2023-24``; the periods in the file must be
  consecutive years (a gap is an error naming the missing year);
* ``budget`` and ``outturn``: pounds (GBP, not £m or £k), plain numbers without thousands
  separators; ``budget`` must be positive, ``outturn`` non-negative.

Every cell is validated and an error names the file, row, column and value. A council
present for some periods but not others is an error unless ``missing: exclude``.
A relative ``path`` is read from the current working directory.

``embedded``: outturn from the shipped multi-year series (``fundmodel.data.series.series_table``,
e.g. ``s251_cyps_total`` or ``s251_lac``), with budgets the user states as an
**assumption**: ``budget = outturn / (1 + assumed_overspend_pct / 100)``, e.g. the LGA's
reported 14.2% average overspend (:func:`lga_assumed_overspend`). Such budgets are never
data: the result, its ``to_frame()`` (column ``budget_is_assumed``) and its summary say so.
With one uniform assumed rate every council overspends by exactly that rate, so the
counts and persistence only restate the assumption; outturn growth is real data.

Measures (numpy over all councils at once): overspend £ and %, the number and share of
councils overspending per year, persistence (consecutive years overspending), outturn
growth against a funding growth rate (a Parameter), and a projection forward under
stated growth rates. Missing council-years (``missing: exclude``) are left out of each
year's counts and sums, break a persistence run, and are listed in the result.

>>> import numpy as np
>>> budget = np.array([100.0, 200.0, 300.0])
>>> outturn = np.array([110.0, 190.0, 330.0])
>>> float(share_overspending(budget, outturn)[0]), float(national_overspend(budget, outturn)[0])
(0.6666666666666666, 30.0)
"""

from __future__ import annotations

from fundmodel.scenarios.overspend.gap import (
    funding_gap,
    lga_assumed_overspend,
)
from fundmodel.scenarios.overspend.inputs import (
    CSV_COLUMNS,
    read_budget_csv,
)
from fundmodel.scenarios.overspend.measures import (
    ENGLAND_CODE,
    annual_growth,
    councils_overspending,
    gross_overspend,
    national_overspend,
    overspend,
    overspend_pct,
    persistence,
    share_overspending,
)
from fundmodel.scenarios.overspend.model import (
    LGA_AVERAGE_OVERSPEND,
    LGA_BUDGET_GROWTH_2025_26,
    NAO_2017_18_OVERSPEND,
    NAO_2017_18_SHARE_OVERSPENT,
    OVERSPEND_PARAMETERS,
    REVIEWED,
    CsvBudgets,
    EmbeddedOutturn,
    OverspendInput,
    OverspendPercent,
    OverspendScenario,
    Projection,
    RevenueBudgets,
)
from fundmodel.scenarios.overspend.real import (
    overspend_by_line,
    published_comparison,
    real_overspend,
)
from fundmodel.scenarios.overspend.result import (
    OverspendResult,
)

__all__ = [
    "CSV_COLUMNS",
    "ENGLAND_CODE",
    "LGA_AVERAGE_OVERSPEND",
    "LGA_BUDGET_GROWTH_2025_26",
    "NAO_2017_18_OVERSPEND",
    "NAO_2017_18_SHARE_OVERSPENT",
    "OVERSPEND_PARAMETERS",
    "REVIEWED",
    "CsvBudgets",
    "EmbeddedOutturn",
    "OverspendInput",
    "OverspendPercent",
    "OverspendResult",
    "OverspendScenario",
    "Projection",
    "RevenueBudgets",
    "annual_growth",
    "councils_overspending",
    "funding_gap",
    "gross_overspend",
    "lga_assumed_overspend",
    "national_overspend",
    "overspend",
    "overspend_by_line",
    "overspend_pct",
    "persistence",
    "published_comparison",
    "read_budget_csv",
    "real_overspend",
    "share_overspending",
]
