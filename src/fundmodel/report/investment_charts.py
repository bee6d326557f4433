"""The investment phasing chart: each ask's money by year, with the assumptions behind the
years (assumed year labels, even phasing) stated on the chart's face.

>>> from fundmodel.scenarios.family_help.asks import family_help_ask
>>> data = phasing_data([family_help_ask().run()])
>>> data["year"].iloc[0], float(data["amount_m"].iloc[0])
('2022-23', 400.0)
>>> for line in data["assumptions"].iloc[0].split("; "):
...     print(line)
year labels 2022-23 to 2026-27 are assumed (the source gives no dates)
the headline spread evenly over 5 years (assumed phasing)
"""

from __future__ import annotations

import textwrap
from collections.abc import Sequence
from typing import TYPE_CHECKING

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from fundmodel.report.house import BLUE, GREEN, ORANGE, finish_chart, house_style

if TYPE_CHECKING:
    from fundmodel.scenarios.family_help import InvestmentResult


def phasing_data(results: Sequence[InvestmentResult]) -> pd.DataFrame:
    """Year-by-year amounts (£m) of one or more investment asks, with each ask's headline,
    the difference between its year profile and its headline, and the assumptions behind
    its years (``assumptions``: empty when the years and amounts are as published)."""
    rows = []
    for result in results:
        frame = result.phasing_frame()
        assumed = "; ".join(result.phasing_assumptions())
        for year, amount in zip(frame["year"], frame["amount"], strict=True):
            rows.append({"ask": result.label, "year": year, "amount_m": amount / 1e6,
                         "headline_m": result.headline / 1e6,
                         "profile_minus_headline_m": -result.difference / 1e6,
                         "assumptions": assumed})
    return pd.DataFrame(rows)


def phasing_subtitle(data: pd.DataFrame, width: int = 120) -> str:
    """The units line, followed by each ask's year assumptions (one paragraph per ask,
    wrapped at ``width`` characters).

    >>> print(phasing_subtitle(pd.DataFrame({"ask": ["A", "B"], "assumptions": ["x", ""]})))
    £m cash by financial year
    ASSUMED for A: x
    """
    lines = ["£m cash by financial year"]
    for ask, assumed in dict(zip(data["ask"], data["assumptions"], strict=True)).items():
        if assumed:
            lines.append(textwrap.fill(f"ASSUMED for {ask}: {assumed}", width=width,
                                       subsequent_indent="    "))
    return "\n".join(lines)


def plot_phasing(data: pd.DataFrame, *, sources: Sequence[str],
                 title: str | None = None) -> Figure:
    """Grouped bars: each ask's money by year (£m), labelled; hatching tells asks apart in
    greyscale; the legend gives each ask's total and headline; the lines under the title
    state which year labels and phasings are assumptions."""
    asks = list(dict.fromkeys(data["ask"]))
    years = sorted(set(data["year"]))
    hatches = ["", "///", "...", "xxx", "\\\\\\\\"]
    colours = [BLUE, ORANGE, GREEN, "#CC79A7", "#56B4E9"]
    subtitle = phasing_subtitle(data)
    with house_style():
        fig, ax = plt.subplots(figsize=(10, 5.5 + 0.2 * subtitle.count("\n")))
        ax.grid(True, axis="y")
        ax.grid(False, axis="x")
        width = 0.8 / len(asks)
        for k, ask in enumerate(asks):
            part = data[data["ask"] == ask].set_index("year").reindex(years)
            x = np.arange(len(years)) + (k - (len(asks) - 1) / 2) * width
            total = float(part["amount_m"].sum())
            headline = float(part["headline_m"].dropna().iloc[0])
            label = f"{ask}: £{total:,.0f}m by year vs £{headline:,.0f}m headline"
            bars = ax.bar(x, part["amount_m"].fillna(0), width * 0.95, color=colours[k % 5],
                          hatch=hatches[k % 5], edgecolor="black", linewidth=0.4, label=label)
            ax.bar_label(bars, labels=[f"£{v:,.0f}m" if v == v else "" for v in
                                       part["amount_m"]], fontsize=7.5, padding=2)
        ax.set_xticks(np.arange(len(years)), years)
        ax.set_ylabel("£m a year (cash)")
        ax.set_ylim(0, float(data["amount_m"].max()) * 1.12)
        ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.08), fontsize=8.5, ncol=1)
        if title is None:
            title = _finding(data, asks[0])
        return finish_chart(fig, title, subtitle, sources)


def _finding(data: pd.DataFrame, ask: str) -> str:
    first = data[data["ask"] == ask]
    gap = float(first["profile_minus_headline_m"].iloc[0])
    total = float(first["amount_m"].sum())
    text = " ".join(data["assumptions"])
    tags = [tag for key, tag in (("year label", "year labels assumed"),
                                 ("evenly", "even phasing assumed")) if key in text]
    assumed = f" ({', '.join(tags)})" if tags else ""
    if abs(gap) >= 0.5:
        return (f"{ask}: the year profile adds up to £{total:,.0f}m, £{abs(gap):,.0f}m "
                f"{'short of' if gap < 0 else 'above'} the headline{assumed}")
    return f"{ask}: £{total:,.0f}m phased by year{assumed}"
