"""What the costing reads from the data: caseloads, each council's agency rate and
placement mix, current spend by service line, data-quality flags, and price uprating.

Nothing is filled silently: where a council has no 2019 placement mix (new councils,
suppressed cells) the England 2019 mix is used and ``mix_source`` says so; a missing agency
rate uses England's and ``agency_source`` says so; missing caseloads or spend leave the
council out of the totals, named in ``excluded``.

>>> from fundmodel import load_authorities
>>> d = build_inputs(load_authorities())
>>> int(d.cin.sum()), d.mix_source.tolist().count("England 2019")
(402398, 11)
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from fundmodel._types import FloatArray, StrArray
from fundmodel.analysis.cost_of_duties.standards import PRICE_BASE, PRICE_YEARS
from fundmodel.data.authorities import Authorities
from fundmodel.data.series import series_table
from fundmodel.data.tables import load_deflator, load_flags, load_placements, load_workforce
from fundmodel.errors import DataError

ENGLAND = "E92000001"
MIX_YEAR = "2019"
RESIDENTIAL_TYPES = ("secure_homes_hostels", "residential_schools", "other_residential")
"""DfE placement types priced as residential (children's home price x ratio)."""

SPEND_LINES: dict[str, dict[str, tuple[str, ...]]] = {
    "ro3": {"social_work": ("ro3_safeguarding_net_2024_25",),
            "looked_after": ("ro3_lac_residential_net_2024_25", "ro3_lac_fostering_net_2024_25"),
            "family_help": ("ro3_family_support_net_2024_25",),
            "care_leavers": ()},
    "s251": {"social_work": ("s251_safeguarding_2024_25",),
             "looked_after": ("s251_lac_2024_25",),
             "family_help": ("s251_family_support_2024_25",),
             "care_leavers": ()},
}
"""Spend compared with each duty, by basis. RO3 (net) pairs placements with the residential
and fostering lines; s251 (gross) has only the looked-after total, which also holds adoption,
special guardianship, leaving care and asylum costs. No line isolates Staying Put/Close."""

FLAG_MEASURES = ("s251_lac", "s251_safeguarding", "s251_family_support", "ro3_lac_net",
                 "ro3_safeguarding_net", "ro3_family_support_net", "ro3_csc_net")


@dataclass(frozen=True, eq=False)
class DutyInputs:
    """Per-council inputs (arrays in authority order) and national constants."""

    authorities: Authorities
    cin: FloatArray
    cla: FloatArray
    agency_rate: FloatArray
    agency_source: StrArray
    current_caseload: FloatArray
    mix_foster: FloatArray
    mix_residential: FloatArray
    mix_source: StrArray
    spend: dict[str, dict[str, FloatArray]]
    staff_per_case_holder: float
    cla_england_2021: float
    uprate: dict[str, float]
    flags: dict[str, str]

    def spend_total(self, basis: str) -> FloatArray:
        """Current spend on the costed duties' lines, pounds (NaN where a line is missing)."""
        lines = self.spend[basis]
        total: FloatArray = np.sum([v for v in lines.values()], axis=0)
        return total


def _column_or_series(la: Authorities, column: str) -> FloatArray:
    if column in la.numeric_columns:
        return la.column(column)
    measure, period = column[:-8], column[-7:].replace("_", "-")
    table = series_table(measure)
    if period not in table.columns:
        raise DataError(f"cost of duties: no {measure} for {period} in series.csv")
    values = table[period].reindex(list(la.codes))
    out: FloatArray = values.to_numpy(dtype=np.float64)
    return out


def _workforce_2025(la: Authorities) -> tuple[FloatArray, float]:
    w = load_workforce()
    w25 = w[w["period"] == "2025"]
    england = w25[w25["code"] == ENGLAND].set_index("measure")["value"]
    if {"csww_inpost_fte", "csww_case_holders_fte"} <= set(england.index):
        ratio = float(england["csww_inpost_fte"] / england["csww_case_holders_fte"])
    else:  # the England row is not embedded: sum councils, each joint return once
        joint = w25["flag"].str.contains("joint_return")
        once = pd.concat([w25[~joint], w25[joint].drop_duplicates(["measure", "value"])])
        sums = once.groupby("measure")["value"].sum()
        ratio = float(sums["csww_inpost_fte"] / sums["csww_case_holders_fte"])
    rate = la.column("csww_agency_rate_fte_2025") / 100.0
    return rate, ratio


def _placement_mix(la: Authorities) -> tuple[FloatArray, FloatArray, StrArray]:
    p = load_placements()
    p = p[(p["period"] == MIX_YEAR) & p["measure"].str.endswith("_pct")]
    wide = p.pivot_table(index="code", columns="measure", values="value", aggfunc="first",
                         dropna=False)

    def col(kind: str) -> pd.Series:
        return wide.get(f"cla_placement_{kind}_pct", pd.Series(np.nan, index=wide.index))

    foster = col("foster") / 100.0
    residential = sum((col(k).fillna(0.0) for k in RESIDENTIAL_TYPES[1:]),
                      start=col(RESIDENTIAL_TYPES[0])) / 100.0
    eng_f = float(foster.get(ENGLAND, np.nan))
    eng_r = float(residential.get(ENGLAND, np.nan))
    if np.isnan(eng_f) or np.isnan(eng_r):
        raise DataError(f"placements.csv: no England {MIX_YEAR} foster/residential shares")
    codes = list(la.codes)
    f = foster.reindex(codes).to_numpy(dtype=np.float64)
    r = residential.reindex(codes).to_numpy(dtype=np.float64)
    own = ~np.isnan(f) & ~np.isnan(r)
    source = np.where(own, f"own {MIX_YEAR}", f"England {MIX_YEAR}")
    return np.where(own, f, eng_f), np.where(own, r, eng_r), source


def _uprating() -> dict[str, float]:
    d = load_deflator().set_index("fiscal_year")["gdp_deflator"]
    return {name: float(d[PRICE_BASE] / d[year]) for name, year in PRICE_YEARS.items()}


def _flags(la: Authorities) -> dict[str, str]:
    f = load_flags()
    f = f[(f["period"] == "2024-25") & f["measure"].isin(FLAG_MEASURES)
          & f["code"].isin(list(la.codes))]
    out: dict[str, str] = {}
    for code, rows in f.groupby("code"):
        out[str(code)] = "; ".join(f"{m} {c}: {v}" for m, c, v in
                                   zip(rows["measure"], rows["check"], rows["values"],
                                       strict=True))
    return out


def build_inputs(la: Authorities) -> DutyInputs:
    """Read every per-council input the costing needs (vectorised, authority order)."""
    rate, ratio = _workforce_2025(la)
    known = ~np.isnan(rate)
    fte = la.column("csww_caseload_fte_2025")
    england_rate = float(np.nanmean(rate)) if known.any() else 0.0
    foster, residential, mix_source = _placement_mix(la)
    cla_2021 = series_table("cla_count")["2021"]
    spend = {basis: {duty: (np.sum([_column_or_series(la, c) for c in cols], axis=0)
                            if cols else np.zeros(la.n))
                     for duty, cols in lines.items()}
             for basis, lines in SPEND_LINES.items()}
    return DutyInputs(
        authorities=la, cin=la.column("cin_count_2025"), cla=la.column("cla_count_2025"),
        agency_rate=np.where(known, rate, england_rate),
        agency_source=np.where(known, "own 2025", "England mean 2025 (own rate missing)"),
        current_caseload=fte, mix_foster=foster, mix_residential=residential,
        mix_source=mix_source, spend=spend, staff_per_case_holder=ratio,
        cla_england_2021=float(cla_2021.sum()), uprate=_uprating(), flags=_flags(la))
