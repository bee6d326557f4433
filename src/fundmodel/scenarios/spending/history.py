"""Spending since 2008-09: the ``s251_history`` dataset, the GDP deflator, the NAO comparison.

``s251_history`` joins two section 251 sources into one series of the seven service lines
(gross, GBP cash): DfE's per-year tables (``history.csv``, lines mapped to today's groups by
``history_lines.csv``) for 2008-09 to 2015-16, and LAIT (``series.csv``) from
:data:`JOIN_YEAR` 2016-17 to 2024-25. Both hold 2016-17 to 2018-19, and agree to the pound
for every council and group there (``data_report.md``), so the join year changes no figure.
The definitional differences are in :data:`JOIN_NOTES`. Sure Start and services for young
people have no Table A1 lines in 2008-09 and 2009-10: those line-years are gaps (reason
``line_not_in_layout``), so the shares over all seven lines start in 2010-11.
A later ``ro3_history`` dataset plugs in the same way (a long frame and a dataset name).

>>> frame = s251_history_frame()
>>> periods = sorted(frame["period"].unique())
>>> periods[0], periods[-1], len(periods)
('2008-09', '2024-25', 17)
>>> float(gdp_deflator().factor("2008-09")) == 100 / 66.8397
True
"""

from __future__ import annotations

from functools import cache

import numpy as np
import pandas as pd

from fundmodel.data.codes import REORGANISED
from fundmodel.engine.years import Deflator, DeflatorPoint
from fundmodel.parameters.records import Parameter, Source, Unit

JOIN_YEAR = "2016-17"
"""First year taken from LAIT; earlier years come from DfE's per-year tables."""

HISTORY_MEASURES: dict[str, str] = {
    "s251_hist_looked_after_gross": "s251_lac",
    "s251_hist_safeguarding_gross": "s251_safeguarding",
    "s251_hist_family_support_gross": "s251_family_support",
    "s251_hist_sure_start_gross": "s251_sure_start",
    "s251_hist_young_people_gross": "s251_young_people",
    "s251_hist_youth_justice_gross": "s251_youth_justice",
    "s251_hist_other_gross": "s251_other_children_family",
    "s251_hist_total_gross": "s251_cyps_total",
}
"""``history.csv`` gross group measure -> the LAIT line it continues."""

JOIN_NOTES: tuple[str, ...] = (
    f"s251_history: DfE section 251 Table A1 per-year files to 2015-16, LAIT from {JOIN_YEAR}; "
    "the two agree to the pound for every council and line in 2016-17 to 2018-19",
    "lines before 2016-17 are DfE's printed lines grouped into today's lines by fundmodel's "
    "per-year maps (history_lines.csv): adoption, special guardianship and asylum services "
    "in looked after; strategy, commissioning and social work in safeguarding",
    "2008-09 and 2009-10 have no Sure Start or services-for-young-people lines (outside "
    "Table A1 until 2010-11): no seven-line total or share before 2010-11",
    "2008-09 and 2009-10 family support include substance misuse and teenage pregnancy, "
    "today memo lines inside services for young people",
)
"""What differs across the join (definitions, line contents)."""


@cache
def _frame() -> pd.DataFrame:
    from fundmodel.data.history import history_gaps, load_history
    from fundmodel.data.series import load_series

    hist = load_history()
    hist = hist[hist["measure"].isin(list(HISTORY_MEASURES)) & (hist["period"] < JOIN_YEAR)]
    hist = hist.assign(measure=hist["measure"].map(HISTORY_MEASURES))
    gaps = history_gaps()
    gaps = gaps[gaps["measure"].isin(list(HISTORY_MEASURES))]
    extra = []
    for g in gaps.itertuples():  # four measure-years
        present = hist[hist["period"] == g.period].drop_duplicates("code")
        extra.append(pd.DataFrame({
            "code": present["code"], "name": present["name"], "period": g.period,
            "measure": HISTORY_MEASURES[str(g.measure)], "value": np.nan,
            "flag": [";".join(filter(None, (str(f), str(g.reason)))) for f in present["flag"]],
        }))
    lait = load_series()
    lait = lait[lait["measure"].isin(list(HISTORY_MEASURES.values()))
                & (lait["period"] >= JOIN_YEAR)]
    frame = pd.concat([hist, *extra, lait], ignore_index=True)
    frame["value"] = frame["value"].astype("float64")
    return frame.sort_values(["measure", "code", "period"], ignore_index=True)


def s251_history_frame() -> pd.DataFrame:
    """The ``s251_history`` long table (a copy): code, name, period, measure, value, flag,
    with the LAIT measure names (``s251_lac`` ...) for every year 2008-09 to 2024-25."""
    return _frame().copy()


@cache
def successors() -> dict[str, tuple[str, ...]]:
    """Predecessor code -> the successor codes that took over its area: the 2019-2023
    reorganisations (``REORGANISED``), plus the 2009 ones (Bedfordshire, Cheshire) from
    ``comparable_areas.csv`` exact unions.

    >>> successors()["E10000001"]
    ('E06000055', 'E06000056')
    """
    from fundmodel.data.history import comparable_areas

    out = {c: r.successors for c, r in REORGANISED.items()}
    areas = comparable_areas()
    areas = areas[areas["exact_union"]]
    for _, area in areas.groupby("area_id"):
        after = tuple(sorted(area.loc[area["role"] == "successor", "code"]))
        for code in area.loc[area["role"] == "predecessor", "code"]:
            out.setdefault(str(code), after)
    return out


def gdp_deflator(base_year: str = "2024-25") -> Deflator:
    """HM Treasury's GDP deflator, March 2026 vintage, as transcribed (``deflator.csv``):
    the default for real terms. Years from 2025-26 are forecasts (labelled on each point).

    >>> d = gdp_deflator()
    >>> round(d.factor("2010-11"), 4), d.points[-1].index.label
    (1.4523, 'GDP deflator 2030-31 (forecast)')
    """
    from fundmodel.data.tables import load_deflator

    source = Source(
        title="GDP deflators at market prices, and money GDP, March 2026 (as transcribed by "
              "ncl-icb-analytics/dbt-ncl-analytics)",
        publisher="HM Treasury", year=2026,
        url="https://www.gov.uk/government/collections/gdp-deflators-at-market-prices-and-"
            "money-gdp")
    rows = load_deflator()
    points = tuple(
        DeflatorPoint(year=str(r.fiscal_year), index=Parameter(
            value=float(str(r.gdp_deflator)), unit=Unit.SCORE,
            label=f"GDP deflator {r.fiscal_year}" + (" (forecast)" if r.is_forecast else ""),
            source=source,
            note="2024-25 = 100; " + ("an OBR-based forecast" if r.is_forecast else "outturn"),
            reviewed="2026-12-01", assumption=False))
        for r in rows.itertuples())
    return Deflator(name=f"HM Treasury GDP deflator, March 2026 ({base_year} prices)",
                    base_year=base_year, points=points)
