"""Charts of the costing from standards (absolute mode): the duty breakdown, the national
gap with its interval, and the costed gap against real overspends. Each chart is a
``*_data`` function (in :mod:`fundmodel.analysis.cost_of_duties.chart_data`, or here) plus a
``plot_*`` function in the house style. The per-child map uses
:func:`fundmodel.report.charts.plot_hex_map` on
:func:`~fundmodel.analysis.cost_of_duties.chart_data.gap_per_child_data`.
"""

from __future__ import annotations

from collections.abc import Sequence

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from fundmodel.analysis.cost_of_duties.chart_data import (
    duty_breakdown_data,
    gap_per_child_data,
    overspend_scatter_data,
)
from fundmodel.report.house import BLUE, GREY, ORANGE, finish_chart, house_style

__all__ = ["duty_breakdown_data", "gap_per_child_data", "overspend_scatter_data",
           "plot_duty_breakdown", "plot_overspend_scatter"]


def _m(pounds: float) -> str:
    return f"{'-' if pounds < 0 else ''}£{abs(pounds) / 1e6:,.0f}m"


def plot_duty_breakdown(data: pd.DataFrame, *, sources: Sequence[str], interval: tuple[
        float, float], title: str | None = None) -> Figure:
    """Paired bars of cost at the standards and current spend by duty (£m); the national
    gap's 5th-95th percentile ``interval`` (pounds) is stated under the title."""
    with house_style():
        fig, ax = plt.subplots(figsize=(10, 5.2))
        y = np.arange(len(data))[::-1]
        ax.barh(y + 0.2, data["cost"] / 1e6, height=0.4, color=BLUE, label="cost at standards")
        ax.barh(y - 0.2, data["spend"] / 1e6, height=0.4, color=ORANGE,
                label="current spend (matched lines)")
        ax.set_yticks(y, data["label"])
        ax.tick_params(axis="y", length=0)
        top = float(max(data["cost"].max(), data["spend"].max())) / 1e6
        for yi, (_, row) in zip(y, data.iterrows(), strict=True):
            ax.text(max(row["cost"], row["spend"]) / 1e6 + top * 0.01, yi,
                    f"gap {_m(row['gap'])}", va="center", fontsize=8, color=GREY)
        ax.set_xlim(0, top * 1.25)
        ax.set_xlabel("£m a year (2024-25 prices)")
        ax.legend(loc="lower right")
        gap = float(data["gap"].sum())
        if title is None:
            direction = "more" if gap > 0 else "less"
            title = (f"At the stated (partly assumed) standards the duties cost "
                     f"£{abs(gap) / 1e6:,.0f}m {direction} than councils spend on them")
            if interval[0] < 0 < interval[1]:
                title += ", within an interval that spans zero"
        units = (f"cost and spend by duty, £m; national gap (cost - spend) 5th-95th percentile "
                 f"{_m(interval[0])} to {_m(interval[1])}")
        return finish_chart(fig, title, units, sources)


def plot_overspend_scatter(data: pd.DataFrame, *, rho: float, interval: tuple[float, float],
                           sources: Sequence[str], label: int = 6,
                           title: str | None = None) -> Figure:
    """Scatter of the costed gap per child against the real 2023-24 overspend (% of budget)."""
    with house_style():
        fig, ax = plt.subplots(figsize=(8.5, 6.5))
        ax.grid(True)
        ax.axhline(0, color=GREY, linewidth=0.8)
        ax.axvline(0, color=GREY, linewidth=0.8)
        ax.scatter(data["gap_per_child"], data["overspend_pct"], s=18, color=BLUE,
                   edgecolor="white", linewidth=0.4, zorder=3)
        extremes = pd.concat([data.nlargest(label // 2, "gap_per_child"),
                              data.nsmallest(label // 2, "gap_per_child")])
        for _, row in extremes.iterrows():
            ax.annotate(row["name"], (row["gap_per_child"], row["overspend_pct"]),
                        xytext=(4, 4), textcoords="offset points", fontsize=8)
        ax.set_xlabel("costed gap per child aged 0-17, £ (2024-25)")
        ax.set_ylabel("real overspend 2023-24, % of RA budget")
        if title is None:
            clear = interval[0] > 0 or interval[1] < 0
            title = (f"Councils with larger costed gaps {'did' if clear else 'did not clearly'} "
                     f"overspend more in 2023-24 (rank correlation {rho:.2f})")
        units = (f"Spearman {rho:.2f}, 90% bootstrap interval {interval[0]:.2f} to "
                 f"{interval[1]:.2f}; {len(data)} councils; standards not tuned to fit")
        return finish_chart(fig, title, units, sources)
