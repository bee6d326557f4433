"""Charts of settlement mechanics: transition paths (change by year, councils held by the
floor highlighted) and needs against resources. Each is a ``*_data`` function (the table
drawn) and a ``plot_*`` function in the house style.

>>> from fundmodel.scenarios import load_scenario
>>> result = load_scenario("examples/transition_children_act.yaml").run()
>>> data = transition_paths_data(result)
>>> list(data.columns)
['code', 'name', 'year', 'step', 'change_pct', 'floor_bound', 'ever_at_floor', 'target_pct']
"""

from __future__ import annotations

from collections.abc import Sequence

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from fundmodel.engine.result import Allocation
from fundmodel.errors import FundmodelError
from fundmodel.report.house import BLUE, GREY, ORANGE, finish_chart, house_style
from fundmodel.scenarios.transition_result import TransitionResult


def transition_paths_data(result: TransitionResult) -> pd.DataFrame:
    """Per council and step (0 = baseline, then each year): % change against the baseline,
    whether a floor held it that year, whether it was ever at the floor, and where its
    target lies (% against the baseline)."""
    frame = result.to_frame()
    with np.errstate(divide="ignore", invalid="ignore"):
        change = np.where(frame["baseline"] > 0,
                          100.0 * (frame["amount"] / frame["baseline"] - 1.0), np.nan)
        target = np.where(frame["baseline"] > 0,
                          100.0 * (frame["target"] / frame["baseline"] - 1.0), np.nan)
    steps = {y: k + 1 for k, y in enumerate(result.plan.years)}
    data = pd.DataFrame({"code": frame["code"], "name": frame["name"], "year": frame["year"],
                         "step": frame["year"].map(steps), "change_pct": change,
                         "floor_bound": frame["floor_bound"], "target_pct": target})
    ever = data.groupby("code")["floor_bound"].transform("any")
    start = data[data["step"] == 1].assign(year=result.plan.base_year, step=0,
                                           change_pct=0.0, floor_bound=False)
    data = pd.concat([start, data], ignore_index=True)
    data["ever_at_floor"] = data["code"].map(
        dict(zip(frame["code"], ever, strict=True)))
    return data[["code", "name", "year", "step", "change_pct", "floor_bound",
                 "ever_at_floor", "target_pct"]].sort_values(["code", "step"],
                                                            ignore_index=True)


def plot_transition_paths(data: pd.DataFrame, *, sources: Sequence[str],
                          title: str | None = None) -> Figure:
    """A fan of every council's % change against its baseline by year; councils a floor
    held in any year in orange, the others in grey, the median in blue."""
    with house_style():
        fig, ax = plt.subplots(figsize=(10, 6))
        years = data.drop_duplicates("step").sort_values("step")
        for _, group in data.groupby("code"):
            floored = bool(group["ever_at_floor"].iloc[0])
            ax.plot(group["step"], group["change_pct"], color=ORANGE if floored else GREY,
                    alpha=0.8 if floored else 0.25, linewidth=1.0 if floored else 0.7)
        median = data.groupby("step")["change_pct"].median()
        ax.plot(median.index, median.to_numpy(), color=BLUE, linewidth=2.5, label="median")
        ax.axhline(0, color="black", linewidth=0.8)
        ax.set_xticks(years["step"], years["year"])
        ax.set_ylabel("change against the baseline, %")
        ax.plot([], [], color=ORANGE, label="held by a floor in some year")
        ax.plot([], [], color=GREY, label="never at a floor")
        ax.legend(loc="upper left", frameon=False)
        held = int(data.drop_duplicates("code")["ever_at_floor"].sum())
        councils = data["code"].nunique()
        if title is None:
            title = (f"{held} of {councils} councils are held by a floor in at least one "
                     f"year{_assumed(sources)}")
        return finish_chart(fig, title, "% change in cash against the baseline, by year",
                            sources)


def needs_vs_resources_data(result: Allocation, variant: int = 0) -> pd.DataFrame:
    """Per council: gross need (need share x X, £), resources netted off (£), the final
    amount (£) and whether resources cut it to zero."""
    if result.resources is None or result.equalisation_x is None:
        raise FundmodelError("this allocation has no resources adjustment to chart")
    frame = result.to_frame(variant)
    return pd.DataFrame({
        "code": frame["code"], "name": frame["name"],
        "gross_need": frame["need_share"] * float(result.equalisation_x[variant]),
        "resources": frame["resources"], "amount": frame["amount"],
        "cut_to_zero": frame["cut_to_zero"]})


def plot_needs_vs_resources(data: pd.DataFrame, *, sources: Sequence[str],
                            title: str | None = None) -> Figure:
    """Gross need against resources (£m, log scales); above the diagonal a council's
    resources exceed its need and it is cut to zero (orange)."""
    with house_style():
        fig, ax = plt.subplots(figsize=(8, 7))
        cut = data["cut_to_zero"].to_numpy(dtype=bool)
        need, res = data["gross_need"] / 1e6, data["resources"] / 1e6
        ax.scatter(need[~cut], res[~cut], color=BLUE, s=18, label="receives an allocation")
        ax.scatter(need[cut], res[cut], color=ORANGE, s=30, marker="D", label="cut to zero")
        positive = pd.concat([need[need > 0], res[res > 0]])
        if len(positive):
            low, high = float(positive.min()) * 0.8, float(positive.max()) * 1.25
            ax.plot([low, high], [low, high], color=GREY, linewidth=0.8, linestyle="--")
            ax.set_xscale("log")
            ax.set_yscale("log")
        for _, row in data[data["cut_to_zero"]].iterrows():
            ax.annotate(str(row["name"]), (row["gross_need"] / 1e6, row["resources"] / 1e6),
                        fontsize=8, xytext=(4, 4), textcoords="offset points")
        ax.set_xlabel("gross need (need share x X), £m")
        ax.set_ylabel("resources netted off, £m")
        ax.legend(loc="upper left", frameon=False)
        if title is None:
            n = int(cut.sum())
            title = (f"Resources exceed need for {n} council{'s' if n != 1 else ''}, "
                     "cut to zero" if n else "No council's resources exceed its need")
            title += _assumed(sources)
        return finish_chart(fig, title, "£m, log scales; dashed line: resources = need",
                            sources)


def _assumed(sources: Sequence[str]) -> str:
    """A title suffix when any source behind the chart is an assumption."""
    return " (rests on assumptions: see sources)" if any(
        "(assumption)" in s for s in sources) else ""
