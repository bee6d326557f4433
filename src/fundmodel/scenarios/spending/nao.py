"""England's preventive share each year since 2008-09, and the NAO's 41% and 25% beside it.

:func:`england_series` is the national series of an analysis (cash and real terms; real
shares equal cash shares, since one deflator scales every line of a year alike).
:func:`nao_comparison` sets the computed 2010-11 and 2017-18 shares beside the NAO's
published figures and states why they differ, instead of forcing agreement.

>>> from fundmodel.scenarios.spending.analyse import analyse_spending
>>> a = analyse_spending("prevention", dataset="s251_history")
>>> s = england_series(a).set_index("period")
>>> round(100 * float(s.loc["2010-11", "focus_share"]), 1)
37.3
>>> nao_comparison(a)["computed_pct"].round(1).tolist()
[37.3, 23.2]
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from fundmodel.scenarios.spending.lines import (
    NAO_PREVENTIVE_SHARE_2010_11,
    NAO_PREVENTIVE_SHARE_2017_18,
)

if TYPE_CHECKING:
    from fundmodel.scenarios.spending.analysis import SpendingAnalysis

NAO_DIFFERENCES: tuple[str, ...] = (
    "the NAO did not publish which section 251 lines it counted as preventive; fundmodel's "
    "'prevention' taxonomy counts family support, Sure Start children's centres and early "
    "years, and services for young people (each line's reason in the taxonomy)",
    "fundmodel's base is the seven section 251 children's and young people's services lines "
    "(gross, before income), including youth justice and 'other'; a different base (e.g. "
    "children's social care only, or net figures) gives a different share",
    "Sure Start and services for young people have lines in the children's services table "
    "only from 2010-11, and the printed lines change almost every year (fundmodel groups "
    "them into today's lines: history_lines.csv), so a change over time also carries some "
    "definitional change",
)
"""Why the computed shares need not equal the NAO's (stated, not forced)."""


def england_series(analysis: SpendingAnalysis) -> pd.DataFrame:
    """One row per year for England (or all councils analysed): lines with a figure, the focus
    category and total in cash and in real terms (the analysis's deflator), the focus share
    over all mapped lines (NaN where a line does not exist that year), and, only in such
    years, ``share_on_lines_present``: the share over the lines that do exist, labelled
    ``partial`` (not comparable with the full-line shares).
    """
    agg = analysis.aggregates()
    top = agg[agg["area"] == agg["area"].iloc[-1]].reset_index(drop=True)
    lines = list(analysis.lines)
    present = top[lines].notna()
    _, matrix = analysis.taxonomy.matrix(_line_dataset(analysis.dataset))
    k = analysis.categories.index(analysis.focus)
    focus_lines = [line for line, m in zip(lines, matrix[k], strict=True) if m > 0]
    focus_any = top[focus_lines].sum(axis=1, min_count=1)
    total_any = top[lines].sum(axis=1, min_count=1)
    partial = ~present.all(axis=1)
    factors = analysis.factors if analysis.factors is not None else np.full(len(top), np.nan)
    frame = pd.DataFrame({
        "period": top["period"],
        "lines_present": present.sum(axis=1).astype(int),
        "lines_missing": [", ".join(c for c in lines if not row[c]) for _, row in
                          present.iterrows()],
        "focus": top[analysis.focus], "total": top["total"],
        "focus_share": top["focus_share"],
        "focus_real": top[analysis.focus].to_numpy() * factors,
        "total_real": top["total"].to_numpy() * factors,
        "share_on_lines_present": np.where(partial, focus_any / total_any, np.nan),
        "basis": np.where(partial, "partial: lines missing", "all mapped lines"),
    })
    frame.attrs.update(deflator=analysis.deflator.name if analysis.deflator else "none",
                       focus=analysis.focus, dataset=analysis.dataset)
    return frame


def _line_dataset(dataset: str) -> str:
    from fundmodel.scenarios.spending.lines import LINE_DATASET

    return LINE_DATASET[dataset]


def nao_comparison(analysis: SpendingAnalysis) -> pd.DataFrame:
    """The NAO's 41% (2010-11) and 25% (2017-18) beside the computed England shares:
    period, published_pct, computed_pct, difference_pp, source, differences (stated)."""
    series = england_series(analysis).set_index("period")
    rows = []
    for p, period in ((NAO_PREVENTIVE_SHARE_2010_11, "2010-11"),
                      (NAO_PREVENTIVE_SHARE_2017_18, "2017-18")):
        computed = (100.0 * float(str(series.loc[period, "focus_share"]))
                    if period in series.index else np.nan)
        rows.append({"period": period, "published_pct": p.value, "computed_pct": computed,
                     "difference_pp": computed - p.value, "source": p.source.cite(),
                     "differences": "; ".join(NAO_DIFFERENCES)})
    frame = pd.DataFrame(rows)
    frame.attrs.update(dataset=analysis.dataset, taxonomy=analysis.taxonomy.name)
    return frame


def comparable_area_series(analysis: SpendingAnalysis) -> pd.DataFrame:
    """Per comparable area (exact unions across reorganisations, ``comparable_areas.csv``)
    and year: the members counted, total, focus and focus share. A year in which a member
    that existed then lacks a figure is a gap (NaN, with the reason), never spread or filled.
    Pairings that are not exact unions (BCP vs Bournemouth + Poole) are not offered.
    """
    from fundmodel.data.history import comparable_areas

    areas = comparable_areas()
    areas = areas[areas["exact_union"]]
    position = {c: i for i, c in enumerate(analysis.agg_codes)}
    _, matrix = analysis.taxonomy.matrix(_line_dataset(analysis.dataset))
    k = analysis.categories.index(analysis.focus)
    rows = []
    for area_id, area in areas.groupby("area_id", sort=True):  # a dozen areas
        for t, period in enumerate(analysis.periods):
            alive = area[(area["first_period"].replace("", "0000-00") <= period)
                         & (area["last_period"].replace("", "9999-99") >= period)]
            members = [c for c in alive["code"] if c in position]
            values = np.array([analysis.agg_values[:, position[c], t] for c in members])
            missing = [c for c, v in zip(members, values, strict=True) if np.isnan(v).any()]
            absent = sorted(set(alive["code"]) - set(members))
            ok = bool(members) and not missing and not absent
            line_sum = values.sum(axis=0) if ok else np.full(len(analysis.lines), np.nan)
            cats = matrix @ line_sum
            rows.append({"area_id": area_id, "area_name": area["area_name"].iloc[0],
                         "period": period, "members": ", ".join(members),
                         "total": float(cats.sum()), "focus": float(cats[k]),
                         "focus_share": float(cats[k] / cats.sum()) if ok else np.nan,
                         "gap": "" if ok else "members without every line: "
                                + ", ".join(missing + absent)})
    return pd.DataFrame(rows)
