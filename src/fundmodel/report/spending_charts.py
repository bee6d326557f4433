"""Charts of the balance of spending, in fundmodel's house style (see
:mod:`fundmodel.report.charts`):
each chart is a ``*_data`` function returning exactly what is drawn and a ``plot_*``
function drawing it. Titles state the finding; line styles and markers (not only colour)
tell series apart in greyscale; missing years are breaks in a line, never bridged.

>>> from fundmodel.scenarios.spending import analyse_spending
>>> a = analyse_spending("prevention")
>>> data = share_over_time_data(a, "E06000001")
>>> sorted(set(data["role"]))
['council', 'england', 'neighbour', 'neighbours', 'region']
>>> fig = plot_share_over_time(data, sources=["example"])
"""

from __future__ import annotations

from collections.abc import Sequence

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from fundmodel._types import FloatArray
from fundmodel.errors import FundmodelError
from fundmodel.report.charts import hex_map_data, plot_hex_map
from fundmodel.report.house import (
    BLUE,
    GREEN,
    GREY,
    ORANGE,
    finish_chart,
    house_style,
)
from fundmodel.scenarios.spending import SpendingAnalysis, statistical_neighbours


def spending_sources(analysis: SpendingAnalysis) -> list[str]:
    """Footnote lines: the embedded columns behind the chart, and the taxonomy used.

    >>> from fundmodel.scenarios.spending import analyse_spending
    >>> spending_sources(analyse_spending("prevention"))[-1].startswith("Taxonomy")
    True
    """
    from fundmodel.data.provenance import cite_columns

    assumed = any(m.assumption for m in analysis.taxonomy.lines)
    return [*cite_columns([*analysis.lines, "children_0_17"]),
            f"Taxonomy '{analysis.taxonomy.name}' ({analysis.taxonomy.title})"
            + ("; some line mappings are fundmodel's reading (assumption)" if assumed else "")]


def _focus_label(analysis: SpendingAnalysis) -> str:
    return analysis.focus.replace("_", "-")


# ---------------------------------------------------------------- share over time
def share_over_time_data(analysis: SpendingAnalysis, code: str) -> pd.DataFrame:
    """The focus share (%) per year of one council, its region, its DfE statistical
    neighbours pooled (focus spend / total over the neighbours with figures that year; the
    count is in ``councils``), each neighbour, and England. Long format: series, role,
    period, share_pct, councils. Missing years are NaN rows (gaps), never filled."""
    codes = analysis.codes.tolist()
    if code not in codes:
        raise FundmodelError(f"council {code!r} is not in the analysis")
    i = codes.index(code)
    periods = list(analysis.periods)
    k = analysis.categories.index(analysis.focus)
    rows: list[dict[str, object]] = []

    def add(series: str, role: str, values: FloatArray, councils: FloatArray) -> None:
        for period, value, count in zip(periods, values, councils, strict=True):
            rows.append({"series": series, "role": role, "period": period,
                         "share_pct": float(value), "councils": int(count)})

    share = 100.0 * analysis.category_shares[k]
    has = (~np.isnan(analysis.total)).astype(float)
    add(str(analysis.names[i]), "council", share[i], has[i])
    agg = analysis.aggregates()
    region = str(analysis.regions[i])
    for role, area in (("region", region), ("england", agg["area"].iloc[-1])):
        part = agg[agg["area"] == area].set_index("period").reindex(periods)
        add(f"{area} (all councils)" if role == "region" else str(area), role,
            100.0 * part["focus_share"].to_numpy(),
            part["councils_complete"].to_numpy(float))
    neighbours = [c for c in statistical_neighbours(code) if c in codes]
    idx = np.array([codes.index(c) for c in neighbours], dtype=int)
    focus = analysis.category_values[k][idx]
    total = analysis.total[idx]
    ok = ~np.isnan(total)
    with np.errstate(divide="ignore", invalid="ignore"):
        pooled = 100.0 * np.where(ok, focus, 0.0).sum(axis=0) / np.where(ok, total, 0.0).sum(
            axis=0)
    pooled[ok.sum(axis=0) == 0] = np.nan
    add(f"{len(neighbours)} statistical neighbours (pooled)", "neighbours", pooled,
        ok.sum(axis=0).astype(float))
    for j in idx:
        add(str(analysis.names[j]), "neighbour", share[j], has[j])
    frame = pd.DataFrame(rows)
    frame.attrs.update(code=code, focus=analysis.focus, taxonomy=analysis.taxonomy.title)
    return frame


_STYLE = {
    "council": {"color": BLUE, "linestyle": "-", "marker": "o", "linewidth": 2.6, "ms": 6},
    "region": {"color": ORANGE, "linestyle": "--", "marker": "s", "linewidth": 1.8, "ms": 5},
    "neighbours": {"color": GREEN, "linestyle": "-.", "marker": "^", "linewidth": 1.8, "ms": 5},
    "england": {"color": "black", "linestyle": ":", "marker": "D", "linewidth": 1.8, "ms": 4},
}


def plot_share_over_time(data: pd.DataFrame, *, sources: Sequence[str],
                         title: str | None = None) -> Figure:
    """Lines of the focus share by year: the council (solid, circles), its region (dashed,
    squares), its statistical neighbours pooled (dash-dot, triangles), England (dotted,
    diamonds), each neighbour faint grey. Years without figures are breaks in the line."""
    periods = list(dict.fromkeys(data["period"]))
    x = np.arange(len(periods))
    council = data[data["role"] == "council"]
    name = str(council["series"].iloc[0])
    focus = str(data.attrs.get("focus", "focus")).replace("_", "-")
    with house_style():
        fig, ax = plt.subplots(figsize=(10, 6))
        ax.grid(True, axis="y")
        ax.grid(False, axis="x")
        for _, part in data[data["role"] == "neighbour"].groupby("series", sort=False):
            ax.plot(x, part["share_pct"], color="#bbbbbb", linewidth=0.8, zorder=1)
        for role in ("england", "region", "neighbours", "council"):
            part = data[data["role"] == role]
            ax.plot(x, part["share_pct"], label=str(part["series"].iloc[0]), zorder=3,
                    **_STYLE[role])  # type: ignore[arg-type]
        ax.plot([], [], color="#bbbbbb", linewidth=0.8, label="each statistical neighbour")
        top = float(np.nanmax(data["share_pct"].to_numpy(float)))
        ax.set_ylim(0, top * 1.12)
        ax.set_xticks(x, periods)
        ax.set_xlim(-0.3, len(periods) - 0.7)
        ax.set_ylabel(f"{focus} share of spend, %")
        missing = [p for p, v in zip(periods, council["share_pct"], strict=True) if v != v]
        if missing:
            ax.text(0.0, 1.01, f"{name}: no figures for {', '.join(missing)} (gap, not "
                    "interpolated)", transform=ax.transAxes, fontsize=8, color=GREY)
        ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.08), ncol=3, fontsize=8.5)
        known = council.dropna(subset=["share_pct"])
        eng = data[data["role"] == "england"].set_index("period")["share_pct"]
        units = (f"{focus} share of the mapped spend lines, % "
                 f"({data.attrs.get('taxonomy', '')}); cash figures")
        if len(known) >= 2:
            p0, p1 = str(known["period"].iloc[0]), str(known["period"].iloc[-1])
            a, b = float(known["share_pct"].iloc[0]), float(known["share_pct"].iloc[-1])
            units += (f". England over the same years: {float(eng[p0]):.1f}% to "
                      f"{float(eng[p1]):.1f}%")
            if title is None:
                verb = "fell" if b < a else "rose" if b > a else "held"
                title = f"{name}: {focus} share {verb} from {a:.1f}% to {b:.1f}%, {p0} to {p1}"
        elif title is None:
            title = f"{name}: {focus} share, too few years to compare"
        return finish_chart(fig, title, units, sources)


# ---------------------------------------------------------------- slope chart
def slope_data(analysis: SpendingAnalysis, start: str | None = None,
               end: str | None = None) -> pd.DataFrame:
    """Focus share (%) in ``start`` and ``end`` for every council with both years, plus an
    England row (role ``england``). Councils lacking a year are left out and counted in
    ``attrs['left_out']``."""
    change = analysis.share_change(start, end)
    have = change[change["rank"].notna()]
    frame = pd.DataFrame({"code": have["code"], "name": have["name"], "role": "council",
                          "start_pct": have["share_start"], "end_pct": have["share_end"],
                          "change_pp": have["change_pp"]})
    agg = analysis.aggregates()
    area = agg["area"].iloc[-1]
    eng = agg[agg["area"] == area].set_index("period")["focus_share"]
    s, e = change.attrs["start"], change.attrs["end"]
    england = pd.DataFrame({"code": ["E92000001"], "name": [area], "role": ["england"],
                            "start_pct": [100.0 * eng[s]], "end_pct": [100.0 * eng[e]],
                            "change_pp": [100.0 * (eng[e] - eng[s])]})
    out = pd.concat([frame, england], ignore_index=True)
    out.attrs.update(start=s, end=e, focus=analysis.focus,
                     left_out=change.loc[change["rank"].isna(), "name"].tolist())
    return out


def _spread(y: FloatArray, gap: float) -> FloatArray:
    """Label positions near ``y`` kept at least ``gap`` apart (order preserved)."""
    order = np.argsort(y)
    placed = y[order].astype(float)
    for j in range(1, placed.size):
        placed[j] = max(placed[j], placed[j - 1] + gap)
    shift = max(0.0, (placed - y[order]).mean())
    placed -= shift / 2
    for j in range(1, placed.size):
        placed[j] = max(placed[j], placed[j - 1] + gap)
    out = np.empty_like(placed)
    out[order] = placed
    return out


def plot_slope(data: pd.DataFrame, *, sources: Sequence[str], label: int = 4,
               title: str | None = None) -> Figure:
    """One line per council from the start share to the end share: falls dashed orange,
    rises solid blue, England thick black; the ``label`` largest falls and rises named."""
    councils = data[data["role"] == "council"]
    england = data[data["role"] == "england"].iloc[0]
    s, e = data.attrs.get("start", "start"), data.attrs.get("end", "end")
    focus = str(data.attrs.get("focus", "focus")).replace("_", "-")
    with house_style():
        fig, ax = plt.subplots(figsize=(9, 8))
        ax.grid(True, axis="y")
        ax.grid(False, axis="x")
        for _, row in councils.iterrows():
            fell = row["change_pp"] < 0
            ax.plot([0, 1], [row["start_pct"], row["end_pct"]],
                    color=ORANGE if fell else BLUE, linestyle="--" if fell else "-",
                    linewidth=0.7, alpha=0.55, zorder=2)
        ax.plot([0, 1], [england["start_pct"], england["end_pct"]], color="black",
                linewidth=3.2, marker="o", ms=7, zorder=4)
        ax.plot([], [], color=ORANGE, linestyle="--", label="council whose share fell")
        ax.plot([], [], color=BLUE, linestyle="-", label="council whose share rose")
        ax.plot([], [], color="black", linewidth=3.2, marker="o",
                label=f"{england['name']} (all councils)")
        ax.text(-0.03, england["start_pct"], f"{england['name']} {england['start_pct']:.1f}%",
                ha="right", va="center", fontsize=9, fontweight="bold")
        top_pct = float(max(councils["start_pct"].max(), councils["end_pct"].max()))
        named = pd.concat([councils.nsmallest(label, "change_pp"),
                           councils.nlargest(label, "change_pp")])
        ends = np.append(named["end_pct"].to_numpy(float), float(england["end_pct"]))
        texts = [f"{r['name']} {r['end_pct']:.1f}% ({r['change_pp']:+.1f} pp)"
                 for _, r in named.iterrows()]
        texts.append(f"{england['name']} {england['end_pct']:.1f}% "
                     f"({england['change_pp']:+.1f} pp)")
        placed = _spread(ends, gap=top_pct * 0.034)
        for y0, y1, text in zip(ends, placed, texts, strict=True):
            bold = text.startswith(str(england["name"]))
            ax.annotate(text, (1, y0), xytext=(1.06, y1), textcoords="data", va="center",
                        fontsize=8, fontweight="bold" if bold else "normal",
                        arrowprops={"arrowstyle": "-", "color": GREY, "lw": 0.5})
        ax.set_xticks([0, 1], [s, e])
        ax.set_xlim(-0.45, 1.75)
        ax.set_ylim(0, max(top_pct, float(placed.max())) * 1.05)
        ax.set_ylabel(f"{focus} share of spend, %")
        ax.spines["bottom"].set_visible(False)
        ax.legend(loc="upper left", fontsize=8.5)
        fell = int((councils["change_pp"] < 0).sum())
        if title is None:
            title = (f"{fell} of {len(councils)} councils spent a smaller {focus} share in {e} "
                     f"than in {s}")
        left_out = data.attrs.get("left_out", [])
        units = f"{focus} share of the mapped spend lines, %, {s} and {e}"
        if left_out:
            units += f"; {len(left_out)} councils without both years left out"
        return finish_chart(fig, title, units, sources)


# ---------------------------------------------------------------- hex map of change
def change_map_data(analysis: SpendingAnalysis, start: str | None = None,
                    end: str | None = None) -> pd.DataFrame:
    """Change in the focus share (percentage points) per council on the hex layout; NaN
    (grey) where a council lacks either year."""
    change = analysis.share_change(start, end)
    data = hex_map_data(change.set_index("code")["change_pp"])
    data.attrs.update(start=change.attrs["start"], end=change.attrs["end"],
                      focus=analysis.focus)
    return data


def plot_change_map(data: pd.DataFrame, *, sources: Sequence[str],
                    title: str | None = None) -> Figure:
    """The hex map of the change, on a two-sided scale centred on zero (PuOr: orange = the
    share fell, purple = it rose); the three largest rises and three largest falls are named."""
    focus = str(data.attrs.get("focus", "focus")).replace("_", "-")
    s, e = data.attrs.get("start", "start"), data.attrs.get("end", "end")
    values = data["value"].dropna()
    if title is None:
        title = (f"The {focus} share fell in {int((values < 0).sum())} of {len(values)} "
                 f"councils between {s} and {e}")
    fig = plot_hex_map(data, title=title, units=f"change in {focus} share, percentage points "
                       f"({s} to {e}); orange = fell, purple = rose", sources=sources,
                       diverging=True, label=3)
    ax = fig.axes[0]
    box = {"boxstyle": "round,pad=0.2", "fc": "white", "ec": GREY, "lw": 0.5, "alpha": 0.9}
    for _, row in data.nsmallest(3, "value").iterrows():
        ax.plot(row["x"], row["y"], marker="o", ms=3, color="black")
        ax.annotate(f"{row['name']}: {row['value']:,.2f}", (row["x"], row["y"]),
                    xytext=(6, 9), textcoords="offset points", fontsize=7.5, va="center",
                    bbox=box)
    return fig
