"""Charts of the debate scenarios (Care Bank, payment by results, windfall tax,
invest-to-save) in fundmodel's house style: each a ``*_data`` function returning exactly what
is drawn and a ``plot_*`` function drawing it, with the result's sources in the footnote.

>>> from fundmodel.scenarios.debate import WindfallTaxScenario
>>> r = WindfallTaxScenario(header={"title": "t", "assumes": "a"}, draws=100,
...                         missing="exclude").run()
>>> windfall_tax_data(r)["measure"].tolist()
['tax raised', 'extra placement cost', 'net fiscal effect']
>>> fig = plot_windfall_tax(windfall_tax_data(r), sources=r.sources())
"""

from __future__ import annotations

from collections.abc import Sequence

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from fundmodel.report.house import BLUE, GREY, ORANGE, finish_chart, house_style
from fundmodel.scenarios.debate import (
    CareBankResult,
    InvestToSaveResult,
    PaymentByResultsResult,
    WindfallTaxResult,
)


def _bars(data: pd.DataFrame, title: str, units: str, sources: Sequence[str]) -> Figure:
    """Horizontal bars of ``value`` by ``name``: gains solid blue, losses hatched orange."""
    with house_style():
        fig, ax = plt.subplots(figsize=(10, max(4.0, 0.28 * len(data) + 1.8)))
        y = np.arange(len(data))[::-1]
        gain = data["value"].to_numpy() >= 0
        ax.barh(y[gain], data["value"][gain], color=BLUE, height=0.75)
        ax.barh(y[~gain], data["value"][~gain], color=ORANGE, hatch="//", height=0.75)
        ax.set_yticks(y, data["name"])
        ax.axvline(0, color=GREY, linewidth=0.8)
        ax.set_xlabel(units)
        return finish_chart(fig, title, units, sources)


def care_bank_data(result: CareBankResult, show: int = 10) -> pd.DataFrame:
    """The ``show`` largest gains and losses of budget relief (spend moved - clawback), £m."""
    frame = result.to_frame()
    frame = frame[frame["included"]]
    ranked = frame.sort_values(["net_gain", "code"], ascending=[False, True])
    picked = pd.concat([ranked.head(show), ranked.tail(show)]).drop_duplicates("code")
    return pd.DataFrame({"code": picked["code"], "name": picked["name"],
                         "value": picked["net_gain"] / 1e6}).reset_index(drop=True)


def plot_care_bank(data: pd.DataFrame, *, sources: Sequence[str], adjustment: str) -> Figure:
    """Largest gains and losses under the Bank's grant adjustment."""
    name, value = str(data["name"].to_numpy()[0]), float(data["value"].to_numpy()[0])
    title = (f"{name} gains most from a Care Bank ({adjustment} adjustment): "
             f"£{value:,.1f}m a year")
    return _bars(data, title, f"£m a year, spend moved minus grant clawed back ({adjustment})",
                 sources)


def payment_by_results_data(result: PaymentByResultsResult) -> pd.DataFrame:
    """Per council: child poverty (%) against expected loss as % of the unconditional amount."""
    frame = result.to_frame()
    la = result.authorities
    with np.errstate(divide="ignore", invalid="ignore"):
        loss = 100.0 * frame["expected_loss"] / frame["unconditional"]
    return pd.DataFrame({"code": frame["code"], "name": frame["name"],
                         "child_poverty_pct": la.column("child_poverty_pct"),
                         "expected_loss_pct": loss, "chance": frame["chance"]})


def plot_payment_by_results(data: pd.DataFrame, *, sources: Sequence[str],
                            proxy: bool) -> Figure:
    """Scatter: deprivation against the share of its money a council expects to lose."""
    with house_style():
        fig, ax = plt.subplots(figsize=(9, 6))
        ax.scatter(data["child_poverty_pct"], data["expected_loss_pct"], color=BLUE, s=18)
        ax.set_xlabel("children in poverty, %")
        ax.set_ylabel("expected loss, % of the unconditional amount")
        ranks = data[["child_poverty_pct", "expected_loss_pct"]].rank().to_numpy(np.float64)
        ok = ~np.isnan(ranks).any(axis=1)
        corr = float(np.corrcoef(ranks[ok, 0], ranks[ok, 1])[0, 1])
        way = "more" if corr > 0 else "less"
        title = (f"Councils with more child poverty expect to lose {way} on results "
                 f"(rank correlation {corr:+.2f})")
        units = ("% of each council's grant; chances are an ILLUSTRATIVE Ofsted-grade proxy "
                 "(assumption)" if proxy else "% of each council's grant")
        return finish_chart(fig, title, units, sources)


def windfall_tax_data(result: WindfallTaxResult) -> pd.DataFrame:
    """National tax raised, extra placement cost (over the displacement) and net, £m, with
    5th and 95th percentiles of the draws."""
    n = result.national()
    keys = {"tax raised": "tax_raised", "extra placement cost": "extra_cost_total",
            "net fiscal effect": "net_fiscal_effect"}
    values = n.loc[list(keys.values()), ["central", "low", "high"]].to_numpy(np.float64) / 1e6
    data = pd.DataFrame({"measure": list(keys), "central": values[:, 0], "low": values[:, 1],
                         "high": values[:, 2]})
    data.attrs["exit_share"] = result.scenario.exit_share.value
    return data


def plot_windfall_tax(data: pd.DataFrame, *, sources: Sequence[str]) -> Figure:
    """Dots at the central (assumed) values, whiskers over the 90% interval."""
    with house_style():
        fig, ax = plt.subplots(figsize=(9, 3.8))
        y = np.arange(len(data))[::-1]
        ax.hlines(y, data["low"], data["high"], color=GREY, linewidth=2.5, label="90% interval")
        ax.plot(data["central"], y, "o", color=BLUE, label="central (assumed inputs)")
        ax.set_yticks(y, data["measure"])
        ax.axvline(0, color=GREY, linewidth=0.8)
        ax.legend(loc="lower right")
        net = float(data["central"].to_numpy(np.float64)[-1])
        verdict = "costs more than it raises" if net < 0 else "raises more than it costs"
        share = 100 * float(data.attrs.get("exit_share", float("nan")))
        title = f"If {share:.0f}% of capacity exits, the windfall tax {verdict}"
        return finish_chart(fig, title, "£m; every central input is an ASSUMPTION with a range",
                            sources)


def invest_to_save_data(result: InvestToSaveResult) -> pd.DataFrame:
    """Per year, national: cumulative spend and cumulative savings (central, 5th, 95th), £m."""
    from fundmodel.scenarios.debate.draws import interval

    _, savings = result.drawn_flows()
    cum = np.cumsum(savings.sum(axis=2), axis=1) / 1e6
    low, _, high = interval(cum)
    central = np.cumsum(result.central()[1].sum(axis=1)) / 1e6
    spend = np.cumsum(result.spend_pence.sum(axis=1)) / 1e8
    return pd.DataFrame({"year": list(result.years), "cumulative_spend": spend,
                         "cumulative_savings": central, "savings_low": low,
                         "savings_high": high})


def plot_invest_to_save(data: pd.DataFrame, *, sources: Sequence[str]) -> Figure:
    """Cumulative spend against cumulative savings with the interval shaded."""
    with house_style():
        fig, ax = plt.subplots(figsize=(10, 5))
        x = np.arange(len(data))
        ax.plot(x, data["cumulative_spend"], color=GREY, linestyle="--", label="spend")
        ax.plot(x, data["cumulative_savings"], color=BLUE, marker="o",
                label="savings (central, published effect)")
        ax.fill_between(x, data["savings_low"], data["savings_high"], color=BLUE, alpha=0.2,
                        label="savings, 90% interval")
        ax.set_xticks(x, data["year"], rotation=45)
        ax.legend(loc="upper left")
        pays = bool(data["cumulative_savings"].to_numpy()[-1]
                    >= data["cumulative_spend"].to_numpy()[-1])
        title = ("Prevention pays back within the horizon at the published effect" if pays
                 else "Prevention does not pay back within the horizon, even at the published "
                 "effect")
        return finish_chart(fig, title, "£m, cumulative; the evidence on the effect is weak",
                            sources)
