"""The opt-in rule that substitutes RO3 for a section 251 looked-after figure, recorded.

Rule (``analyse_spending(..., substitute_ro3=True)``): where a council-year's s251
looked-after figure is flagged by BOTH data-quality checks (``year_on_year`` and
``source_agreement:ro3_lac_net``, ``flags.csv``) and RO3 has a looked-after figure that
year, the RO3 figure replaces it. RO3 is NET of income and s251 GROSS, so the substitute
is a different definition: every replacement is listed (``SpendingAnalysis.substitutions``)
and named in the summary. Off by default: figures are never changed silently.

>>> rule = substitution_table(["E08000012"], ("2023-24", "2024-25"))
>>> rule[["code", "period", "line"]].to_dict("records")
[{'code': 'E08000012', 'period': '2024-25', 'line': 's251_lac'}]
>>> round(float(rule["s251"].iloc[0]) / 1e6, 1), round(float(rule["ro3"].iloc[0]) / 1e6, 1)
(50.6, 109.8)
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np
import pandas as pd

from fundmodel._types import FloatArray

LINE = "s251_lac"
SUBSTITUTE = "ro3_lac_net"


def substitution_table(codes: Iterable[str], periods: tuple[str, ...]) -> pd.DataFrame:
    """The replacements the rule makes for ``codes`` in ``periods``: code, period, line,
    s251 (the flagged gross figure), ro3 (the net figure used instead), reason."""
    from fundmodel.data.series import load_series
    from fundmodel.data.tables import load_flags

    flags = load_flags()
    flags = flags[(flags["measure"] == LINE) & flags["period"].isin(list(periods))
                  & flags["code"].isin(list(codes))]
    both = flags.groupby(["code", "period"])["check"].agg(set)
    both = both[both.map(lambda c: {"year_on_year", f"source_agreement:{SUBSTITUTE}"} <= c)]
    s = load_series()
    s = s[s["measure"].isin([LINE, SUBSTITUTE])]
    value: dict[tuple[str, str, str], float] = {
        (str(c), str(p), str(m)): float(v)
        for c, p, m, v in zip(s["code"], s["period"], s["measure"], s["value"], strict=True)}
    rows = []
    for code, period in both.index:  # a handful of council-years
        ro3 = value.get((code, period, SUBSTITUTE), np.nan)
        if np.isnan(ro3):
            continue
        rows.append({"code": code, "period": period, "line": LINE,
                     "s251": value.get((code, period, LINE), np.nan), "ro3": ro3,
                     "reason": "flagged year_on_year and source_agreement:ro3_lac_net; RO3 "
                               "(net) used instead of s251 (gross) under substitute_ro3"})
    return pd.DataFrame(rows, columns=["code", "period", "line", "s251", "ro3", "reason"])


def apply_substitutions(values: FloatArray, lines: tuple[str, ...], codes: Iterable[str],
                        periods: tuple[str, ...], table: pd.DataFrame) -> FloatArray:
    """A copy of ``values`` (lines x codes x periods) with the table's replacements."""
    out = np.array(values, dtype=np.float64, copy=True)
    if LINE not in lines or table.empty:
        return out
    position = {c: i for i, c in enumerate(codes)}
    for r in table.itertuples():  # a handful
        if r.code in position and r.period in periods:
            out[lines.index(LINE), position[str(r.code)],
                periods.index(str(r.period))] = float(str(r.ro3))
    return out
