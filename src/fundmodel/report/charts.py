"""Costed briefing charts in one house style. Each chart is two public functions: a
``*_data`` function returning exactly what is drawn (a DataFrame you can export as CSV) and
a ``plot_*`` function drawing that frame. Titles state the finding; subtitles the units;
footnotes the sources, data years and fundmodel version.

>>> from fundmodel import allocate, load_authorities
>>> from fundmodel.presets import children_act_formula
>>> res = allocate(children_act_formula(), load_authorities(), 270_000_000)
>>> data = ranked_bars_data(res.to_frame(), value="amount", top=10)
>>> len(data), list(data.columns)
(10, ['rank', 'code', 'name', 'value'])
>>> fig = plot_ranked_bars(data, units="£m", sources=["example"])
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from functools import lru_cache
from importlib import resources
from typing import TYPE_CHECKING

import matplotlib
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.collections import PatchCollection
from matplotlib.figure import Figure
from matplotlib.patches import PathPatch
from matplotlib.path import Path as MplPath

from fundmodel.errors import FundmodelError
from fundmodel.parameters import shipped
from fundmodel.report.house import (
    BLUE,
    GREY,
    HEX_ACKNOWLEDGEMENT,
    ORANGE,
    finish_chart,
    house_style,
)

if TYPE_CHECKING:
    from fundmodel.scenarios.rcc import RCCResult

def ranked_bars_data(frame: pd.DataFrame, value: str = "amount", top: int | None = 25,
                     scale: float = 1e6) -> pd.DataFrame:
    """The ``top`` councils by ``value`` (all when ``top`` is None), value divided by ``scale``."""
    if value not in frame:
        raise FundmodelError(f"no column {value!r} to rank; columns: {list(frame.columns)}")
    frame = frame.reset_index() if frame.index.name == "code" else frame
    missing = [c for c in ("code", "name") if c not in frame]
    if missing or frame["code"].duplicated().any():
        raise FundmodelError(
            "ranked_bars_data ranks councils: it needs one row per council with 'code' and "
            "'name' (as Allocation.to_frame()); " + (f"this frame has no {missing}" if missing
            else "council codes repeat (a table of several results? select one)") + "; for "
            "one council under several results use fundmodel.report.council")
    ranked = frame.sort_values([value, "code"], ascending=[False, True])
    if top is not None:
        ranked = ranked.head(top)
    return pd.DataFrame(
        {
            "rank": np.arange(1, len(ranked) + 1),
            "code": ranked["code"].to_numpy(),
            "name": ranked["name"].to_numpy(),
            "value": ranked[value].to_numpy() / scale,
        }
    )


def plot_ranked_bars(data: pd.DataFrame, *, units: str, sources: Sequence[str],
                     title: str | None = None, value_format: str = "£{:,.2f}m") -> Figure:
    """Horizontal bars, largest at the top, each labelled with its value."""
    with house_style():
        height = max(4.0, 0.26 * len(data) + 1.8)
        fig, ax = plt.subplots(figsize=(10, height))
        y = np.arange(len(data))[::-1]
        ax.barh(y, data["value"], color=BLUE, edgecolor="white", height=0.75)
        ax.set_yticks(y, data["name"])
        ax.tick_params(axis="y", length=0)
        ax.set_ylim(-0.6, len(data) - 0.4)
        top = float(data["value"].max()) if len(data) else 1.0
        for yi, v in zip(y, data["value"], strict=True):
            ax.text(v + top * 0.01, yi, value_format.format(v), va="center", fontsize=8)
        ax.set_xlim(0, top * 1.12)
        ax.set_xlabel(units)
        if title is None:
            first = data.iloc[0]
            title = f"{first['name']} is ranked first, at {value_format.format(first['value'])}"
        return finish_chart(fig, title, units, sources)


# ---------------------------------------------------------------- winners and losers
def winners_losers_data(new: pd.Series, baseline: pd.Series, names: pd.Series,
                        tolerance: float = 1.0) -> pd.DataFrame:
    """Change per council (new - baseline, pounds and %), sorted; ``status`` is gain, loss or
    no change (absolute change below ``tolerance`` pounds). All three series are indexed by code."""
    codes = new.index
    if set(codes) != set(baseline.index):
        raise FundmodelError("new and baseline amounts cover different councils")
    change = new - baseline.reindex(codes)
    base = baseline.reindex(codes)
    with np.errstate(divide="ignore", invalid="ignore"):
        pct = np.where(base > 0, 100 * change / base, np.nan)
    status = np.where(change > tolerance, "gain", np.where(change < -tolerance, "loss",
                                                          "no change"))
    out = pd.DataFrame({"code": codes, "name": names.reindex(codes).to_numpy(),
                        "baseline": base.to_numpy(), "new": new.to_numpy(),
                        "change": change.to_numpy(), "change_pct": pct, "status": status})
    return out.sort_values(["change", "code"], ascending=[False, True]).reset_index(drop=True)


def plot_winners_losers(data: pd.DataFrame, *, sources: Sequence[str], show: int = 12,
                        title: str | None = None) -> Figure:
    """The ``show`` biggest gains and losses (£m), gains solid, losses hatched."""
    gains = data[data["status"] == "gain"].head(show)
    losses = data[data["status"] == "loss"].tail(show)
    shown = pd.concat([gains, losses])
    with house_style():
        fig, ax = plt.subplots(figsize=(10, max(4.0, 0.28 * len(shown) + 2)))
        y = np.arange(len(shown))[::-1]
        values = shown["change"].to_numpy() / 1e6
        colours = [BLUE if v > 0 else ORANGE for v in values]
        hatches = ["" if v > 0 else "///" for v in values]
        bars = ax.barh(y, values, color=colours, edgecolor="black", linewidth=0.4)
        for bar, hatch in zip(bars, hatches, strict=True):
            bar.set_hatch(hatch)
        ax.set_yticks(y, shown["name"])
        ax.axvline(0, color="black", linewidth=0.8)
        ax.set_xlabel("change against baseline, £m")
        n_gain = int((data["status"] == "gain").sum())
        n_loss = int((data["status"] == "loss").sum())
        if title is None:
            title = f"{n_gain} councils gain and {n_loss} lose against the baseline"
        return finish_chart(fig, title, f"£m change; the {show} largest gains (solid) and losses "
                       "(hatched)", sources)


# ---------------------------------------------------------------- hex map
@lru_cache(maxsize=1)
def hex_layout() -> tuple[pd.DataFrame, dict[str, MplPath]]:
    """The hex cartogram: label positions (code, name, x, y, group) and each council's
    outline as a matplotlib path (holes included)."""
    base = resources.files("fundmodel.data")
    layout = pd.read_csv(io.BytesIO(base.joinpath("hex_layout.csv").read_bytes()),
                         dtype={"code": str})
    vertices = pd.read_csv(io.BytesIO(base.joinpath("hex_polygons.csv").read_bytes()),
                           dtype={"code": str})
    paths: dict[str, MplPath] = {}
    for code, rings in vertices.groupby("code", sort=False):
        parts = [MplPath(ring[["x", "y"]].to_numpy(), closed=True)
                 for _, ring in rings.groupby(["part", "ring"], sort=True)]
        paths[str(code)] = MplPath.make_compound_path(*parts)
    return layout, paths


def hex_map_data(values: pd.Series) -> pd.DataFrame:
    """Join per-council ``values`` (indexed by ONS code) to the hex layout (NaN = no data)."""
    layout, _ = hex_layout()
    unknown = sorted(set(values.index) - set(layout["code"]))
    if unknown:
        raise FundmodelError(f"codes not in the hex layout: {unknown[:5]}")
    out = layout[["code", "name", "x", "y"]].copy()
    out["value"] = values.reindex(out["code"]).to_numpy(dtype=float)
    return out


def plot_hex_map(data: pd.DataFrame, *, title: str, units: str, sources: Sequence[str],
                 cmap: str = "cividis", diverging: bool = False, label: int = 3) -> Figure:
    """England's 153 councils on the House of Commons Library hex cartogram, coloured by
    ``value`` (cividis: ordered light-dark, readable in greyscale); light grey = no data.
    With ``diverging`` a two-sided scale centred on zero (PuOr). The ``label`` councils with
    the highest values are named."""
    _, outlines = hex_layout()
    values = data["value"].to_numpy(dtype=float)
    with house_style():
        fig, ax = plt.subplots(figsize=(9, 9.5))
        ax.grid(False)
        finite = values[np.isfinite(values)]
        extend = "neither"
        if diverging:
            # a robust two-sided scale: one outlier must not wash out every other council;
            # values beyond the 98th percentile of |value| saturate (arrows on the colour bar)
            lim = float(np.percentile(np.abs(finite), 98)) if finite.size else 1.0
            lim = lim or 1.0
            if finite.size and float(np.max(np.abs(finite))) > lim:
                extend = "both"
            norm: matplotlib.colors.Normalize = matplotlib.colors.TwoSlopeNorm(
                vmin=-lim, vcenter=0.0, vmax=lim)
            cmap = "PuOr"
        else:
            norm = matplotlib.colors.Normalize(float(finite.min()), float(finite.max()))
        colours = matplotlib.colormaps[cmap](norm(np.nan_to_num(values)))
        colours[np.isnan(values)] = matplotlib.colors.to_rgba("#eeeeee")
        patches = [PathPatch(outlines[c]) for c in data["code"]]
        ax.add_collection(PatchCollection(patches, facecolors=colours, edgecolors="white",
                                          linewidths=0.5))
        ax.set_xlim(float(data["x"].min()) - 2, float(data["x"].max()) + 8)
        ax.set_ylim(float(data["y"].min()) - 2, float(data["y"].max()) + 2)
        ax.set_aspect("equal")
        ax.axis("off")
        mappable = matplotlib.cm.ScalarMappable(norm=norm, cmap=cmap)
        bar = fig.colorbar(mappable, ax=ax, shrink=0.5, pad=0.02, orientation="horizontal",
                           location="bottom", aspect=35, extend=extend)
        bar.set_label(units)
        box = {"boxstyle": "round,pad=0.2", "fc": "white", "ec": GREY, "lw": 0.5, "alpha": 0.9}
        for _, row in data.nlargest(label, "value").iterrows():
            ax.plot(row["x"], row["y"], marker="o", ms=3, color="black")
            ax.annotate(f"{row['name']}: {row['value']:,.2f}", (row["x"], row["y"]),
                        xytext=(6, 0), textcoords="offset points", fontsize=7.5,
                        va="center", bbox=box)
        if np.isnan(values).any():
            ax.text(0.0, 0.98, "light grey: no data", transform=ax.transAxes, fontsize=8,
                    color=GREY, va="top")
        return finish_chart(fig, title, units, [*sources, HEX_ACKNOWLEDGEMENT])


# ---------------------------------------------------------------- need vs funding
NEED_MATCH_BAND = shipped("brief")["need_match_band"]
"""The band within which a share of spend counts as matching the share of need (a labelled
choice: brief.yaml#need_match_band)."""


def share_within_band(data: pd.DataFrame, band: float | None = None) -> float:
    """Percent of rows of :func:`need_vs_funding_data` whose ratio of shares is within
    ``band`` of 1 (default the labelled choice ``NEED_MATCH_BAND``, 5%).

    >>> share_within_band(pd.DataFrame({"ratio": [1.0, 1.04, 0.9, 1.2]}))
    50.0
    """
    width = NEED_MATCH_BAND.value if band is None else band
    return float((np.abs(data["ratio"] - 1) <= width).mean() * 100)


def need_vs_funding_data(need_share: pd.Series, funding: pd.Series,
                         names: pd.Series) -> pd.DataFrame:
    """Need share vs current funding share per council (both in %), from series by code."""
    both = funding.notna()
    fund = funding[both]
    out = pd.DataFrame({"code": fund.index, "name": names.reindex(fund.index).to_numpy()})
    need = need_share.reindex(fund.index)
    out["need_share_pct"] = 100 * need.to_numpy() / need.sum()
    out["funding_share_pct"] = 100 * fund.to_numpy() / fund.sum()
    out["ratio"] = out["funding_share_pct"] / out["need_share_pct"]
    return out


def plot_need_vs_funding(data: pd.DataFrame, *, units: str, sources: Sequence[str],
                         label: int = 6, title: str | None = None) -> Figure:
    """Scatter of need share against funding share with the line of equal shares (log axes)."""
    with house_style():
        fig, ax = plt.subplots(figsize=(8.5, 7.5))
        ax.grid(True, which="major", axis="both")
        ax.scatter(data["need_share_pct"], data["funding_share_pct"], s=18, color=BLUE,
                   edgecolor="white", linewidth=0.4, zorder=3)
        lo = float(min(data["need_share_pct"].min(), data["funding_share_pct"].min())) * 0.8
        hi = float(max(data["need_share_pct"].max(), data["funding_share_pct"].max())) * 1.2
        ax.plot([lo, hi], [lo, hi], color=GREY, linestyle="--", linewidth=1,
                label="funding share = need share")
        ax.set_xscale("log")
        ax.set_yscale("log")
        ax.set_xlim(lo, hi)
        ax.set_ylim(lo, hi)
        percent = matplotlib.ticker.FuncFormatter(lambda v, _pos: f"{v:g}%")
        ax.xaxis.set_major_formatter(percent)
        ax.yaxis.set_major_formatter(percent)
        ax.set_xlabel("share of assessed need, % (log scale)")
        ax.set_ylabel(f"share of {units}, % (log scale)")
        extremes = pd.concat([data.nlargest(label // 2, "ratio"),
                              data.nsmallest(label // 2, "ratio")])
        for _, row in extremes.iterrows():
            ax.annotate(row["name"], (row["need_share_pct"], row["funding_share_pct"]),
                        xytext=(4, 4), textcoords="offset points", fontsize=8)
        ax.legend(loc="upper left")
        within = share_within_band(data)
        if title is None:
            title = (f"Only {within:.0f}% of councils have a {units} share within "
                     f"±{NEED_MATCH_BAND.display()} of their share of need (band: a labelled "
                     "choice)")
        return finish_chart(fig, title, f"{units}: each council's share of the England total "
                            "against its share of assessed need (log scales)", sources)


# ---------------------------------------------------------------- RCC pooling
def pooling_data(result: RCCResult) -> pd.DataFrame:
    """Per RCC: pooled budget and members' looked-after children's services spend (£m),
    shortfall and the price reduction from scale at which the pool would break even."""
    frame = result.rcc_frame()
    data = pd.DataFrame({
        "rcc": frame["rcc"], "members": frame["members"],
        "pooled_budget_m": frame["pooled_budget"] / 1e6,
        "member_spend_m": frame["member_spend"] / 1e6,
        "shortfall_m": frame["shortfall"] / 1e6,
        "break_even_savings_pct": 100 * frame["break_even_savings"],
    }).sort_values("member_spend_m", ascending=False).reset_index(drop=True)
    sc = result.scenario
    data.attrs["period"] = (sc.period if sc.budget_source == "data"
                            else sc.spend_column[-7:].replace("_", "-"))
    return data


def plot_pooling(data: pd.DataFrame, *, sources: Sequence[str], assumption: str,
                 title: str | None = None) -> Figure:
    """Paired horizontal bars per RCC: pooled budget (solid) against actual spend (hatched)."""
    with house_style():
        fig, ax = plt.subplots(figsize=(10, max(4.5, 0.42 * len(data) + 2)))
        y = np.arange(len(data))[::-1]
        ax.barh(y + 0.2, data["member_spend_m"], 0.4, color=ORANGE, hatch="///",
                edgecolor="black", linewidth=0.4,
                label="members' looked-after children's services spend")
        ax.barh(y - 0.2, data["pooled_budget_m"], 0.4, color=BLUE, edgecolor="black",
                linewidth=0.4, label="pooled designated budgets")
        ax.set_yticks(y, [f"{r} ({m})" for r, m in zip(data["rcc"], data["members"],
                                                      strict=True)])
        for yi, short in zip(y, data["shortfall_m"], strict=True):
            ax.text(0, yi - 0.2, f" -£{short:,.0f}m" if short > 0 else "", va="center",
                    ha="left", fontsize=7.5, color="white")
        ax.set_xlabel(f"£m, {data.attrs.get('period', '2024-25')}")
        ax.legend(loc="lower right")
        if title is None:
            short = float(data["shortfall_m"].sum())
            spend = float(data["member_spend_m"].sum())
            title = (f"Pooled budgets would be £{short:,.0f}m ({100 * short / spend:.1f}%) short "
                     "of what councils spend on looked-after children (wider than placements)")
        return finish_chart(fig, title, f"£m per RCC (members in brackets). {assumption}", sources)


# ---------------------------------------------------------------- uncertainty intervals
def plot_intervals(data: pd.DataFrame, *, sources: Sequence[str], top: int | None = 30,
                   units: str = "£m", title: str | None = None) -> Figure:
    """Councils ranked by their central amount: a dot at the central run and a whisker over
    the interval (data from :func:`fundmodel.analysis.uncertainty.interval_chart_data`). ``top``
    limits the chart to the largest councils; the CSV keeps them all."""
    shown = data.head(top) if top is not None else data
    interval = str(data.attrs.get("interval", "interval"))
    year = str(data.attrs.get("year", ""))
    with house_style():
        fig, ax = plt.subplots(figsize=(10, max(4.5, 0.27 * len(shown) + 2)))
        y = np.arange(len(shown))[::-1]
        ax.hlines(y, shown["low"], shown["high"], color=GREY, linewidth=2.2,
                  label=f"{interval}")
        ax.plot(shown["central"], y, "o", color=BLUE, markersize=5, label="central weights")
        ax.plot(shown["median"], y, "|", color="black", markersize=9, label="median variant")
        ax.set_yticks(y, shown["name"])
        ax.set_xlabel(f"{units}, {year}")
        ax.legend(loc="lower right")
        if title is None:
            spread = (shown["high"] - shown["low"]).to_numpy()
            widest = shown.iloc[int(np.argmax(spread))]
            fmt = "£{:,.2f}m" if units == "£m" else "{:,.2f} " + units
            title = (f"{widest['name']}'s allocation moves most with the assumptions: "
                     f"{fmt.format(widest['low'])} to {fmt.format(widest['high'])}")
        return finish_chart(fig, title, f"{units} per council, {year}; the {len(shown)} "
                            f"largest of {len(data)}; {interval}", sources)
