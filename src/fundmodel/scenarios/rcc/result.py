"""The result of pooling (:class:`RCCResult`): per-RCC and per-council tables, summaries and
sweeps."""

from __future__ import annotations

import html
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from fundmodel._types import BoolArray, FloatArray, IntArray
from fundmodel._version import __version__
from fundmodel.engine.money import format_gbp
from fundmodel.errors import ScenarioError

if TYPE_CHECKING:
    from fundmodel.data.authorities import Authorities
    from fundmodel.scenarios.rcc.scenario import RCCScenario
from fundmodel.scenarios.rcc.membership import STANDALONE, Membership


def _gbp(amount: float) -> str:
    return format_gbp(amount, "auto")


def hhi(spend: FloatArray) -> float:
    """Herfindahl-Hirschman index of buyers' spend shares, on the 0-10,000 scale.

    >>> hhi(np.array([50.0, 50.0])), hhi(np.array([100.0])), hhi(np.array([25.0] * 4))
    (5000.0, 10000.0, 2500.0)
    """
    total = float(np.sum(spend))
    if total <= 0:
        raise ScenarioError("HHI needs positive total spend")
    shares = np.asarray(spend, dtype=np.float64) / total
    return float(10_000.0 * np.sum(shares**2))


@dataclass(frozen=True, eq=False)
class RCCResult:
    """The pooled accounts: per council (row order of the data) in whole pence.

    ``group`` is each council's RCC index (-1 standalone); councils with
    ``included == False`` had no spend figure and were excluded (``missing_spend: exclude``).
    """

    scenario: RCCScenario
    authorities: Authorities
    membership: Membership
    rcc_names: tuple[str, ...]
    group: IntArray
    included: BoolArray
    spend_origin: tuple[str, ...]
    spend_pence: IntArray
    budget_pence: IntArray
    contribution_pence: IntArray
    pays_pence: IntArray
    settlement_pence: IntArray
    version: str = __version__
    exclusion_reasons: tuple[str, ...] = ()
    """Per council, why it is excluded ('' if included); set with ``budget_source: data``."""
    budget_origin: str = ""
    """Where real budgets and spend came from (``budget_source: data``)."""
    notes: tuple[str, ...] = ()
    """Notes on the data used (flagged values)."""

    @property
    def budget_is_assumed(self) -> bool:
        """True when designated budgets are inferred from spend (``budget_source: assumed``)."""
        return self.scenario.budget_source == "assumed" and self.scenario.budget_column is None

    @property
    def budget_label(self) -> str:
        """One phrase naming where the budgets come from, for titles and summaries."""
        sc = self.scenario
        if sc.budget_source == "data":
            return f"real budgets (budget_source=data: {self.budget_origin})"
        if sc.budget_column is not None:
            return f"budgets from column {sc.budget_column!r}"
        return (f"BUDGETS ASSUMED = spend / (1 + {sc.overspend:.1%}) "
                f"({sc.overspend_rate.label}, applied to looked-after children's spend: an "
                "assumption)")

    # ---- derived per-council arrays -------------------------------------------------
    @property
    def label(self) -> str:
        """Short name for tables and comparisons (the scenario title)."""
        return self.scenario.title

    @property
    def pooled(self) -> BoolArray:
        """Councils in an RCC (with a spend figure)."""
        result: BoolArray = self.included & (self.group >= 0)
        return result

    @property
    def net_cost_pence(self) -> IntArray:
        """What each council pays in the end: contribution + top-up (or - refund) if pooled;
        its own spend if standalone; 0 if excluded."""
        own = np.where(self.included & (self.group < 0), self.spend_pence, 0)
        result: IntArray = np.where(self.pooled, self.contribution_pence
                                    + self.settlement_pence, own)
        return result

    @property
    def cross_subsidy_pence(self) -> IntArray:
        """Pool payments for a council's children minus all it paid in (0 if not pooled)."""
        result: IntArray = np.where(
            self.pooled, self.pays_pence - self.contribution_pence - self.settlement_pence, 0
        )
        return result

    @property
    def excluded(self) -> pd.DataFrame:
        """Councils left out for lack of a spend figure (code, name, reason)."""
        la, out = self.authorities, ~self.included
        col = self.scenario.spend_column
        reasons = ([self.exclusion_reasons[i] for i in np.flatnonzero(out)]
                   if self.exclusion_reasons else
                   [la.missing_reason(col, str(c)) for c in la.codes[out]])
        return pd.DataFrame({"code": la.codes[out], "name": la.names[out], "reason": reasons})

    def _rcc_sum(self, values: IntArray) -> FloatArray:
        m = self.pooled
        sums: FloatArray = np.bincount(
            self.group[m], weights=values[m], minlength=len(self.rcc_names)
        ).astype(np.float64)
        return sums

    # ---- tables ----------------------------------------------------------------------
    def to_frame(self) -> pd.DataFrame:
        """One row per council: RCC, spend, budget, contribution, pool payments, settlement,
        net cost and cross-subsidy (pounds, whole pence)."""
        la = self.authorities
        rcc = np.array([self.rcc_names[g] if g >= 0 else STANDALONE for g in self.group.tolist()],
                       dtype=object)
        gone = ("excluded (no budget or no outturn)" if self.exclusion_reasons
                else "excluded (no spend figure)")
        status = np.where(~self.included, gone,
                          np.where(self.group >= 0, "pooled", STANDALONE))
        return pd.DataFrame({
            "code": la.codes, "name": la.names, "region": la.regions,
            "council_type": la.council_types, "rcc": rcc, "status": status,
            "spend_source": list(self.spend_origin),
            "spend": self.spend_pence / 100.0,
            "budget": self.budget_pence / 100.0,
            "contribution": self.contribution_pence / 100.0,
            "pool_pays": self.pays_pence / 100.0,
            "settlement": self.settlement_pence / 100.0,
            "net_cost": self.net_cost_pence / 100.0,
            "cross_subsidy": self.cross_subsidy_pence / 100.0,
            "budget_source": ("data" if self.scenario.budget_source == "data" else
                              "assumed" if self.budget_is_assumed else "column"),
        })

    def rcc_frame(self) -> pd.DataFrame:
        """One row per RCC: members, pooled budget, member spend, pool cost at pool prices,
        shortfall (cost - budget; negative = surplus), break-even price reduction, share of
        national looked-after spend (pounds)."""
        budget = self._rcc_sum(self.contribution_pence) / 100.0
        spend = self._rcc_sum(self.spend_pence) / 100.0
        cost = self._rcc_sum(self.pays_pence) / 100.0
        total = float(self.spend_pence[self.included].sum()) / 100.0
        with np.errstate(divide="ignore", invalid="ignore"):
            return pd.DataFrame({
                "rcc": list(self.rcc_names),
                "members": np.bincount(self.group[self.pooled], minlength=len(self.rcc_names)),
                "pooled_budget": budget,
                "member_spend": spend,
                "pool_cost": cost,
                "shortfall": cost - budget,
                "shortfall_pct_of_spend": np.where(spend > 0, 100.0 * (spend - budget) / spend,
                                                   np.nan),
                "break_even_savings": np.where(spend > 0, 1.0 - budget / spend, np.nan),
                "spend_share_pct": 100.0 * spend / total if total > 0 else np.nan,
            })

    def national(self) -> dict[str, float]:
        """National totals in pounds (pooled councils, standalone councils, all)."""
        m, s = self.pooled, self.included & (self.group < 0)
        spend = float(self.spend_pence[m].sum()) / 100.0
        budget = float(self.contribution_pence[m].sum()) / 100.0
        cost = float(self.pays_pence[m].sum()) / 100.0
        return {
            "pooled_budget": budget,
            "member_spend": spend,
            "pool_cost": cost,
            "spending_power_shortfall": spend - budget,
            "shortfall_after_savings": cost - budget,
            "top_ups": float(self.settlement_pence[self.settlement_pence > 0].sum()) / 100.0,
            "refunds": -float(self.settlement_pence[self.settlement_pence < 0].sum()) / 100.0,
            "standalone_spend": float(self.spend_pence[s].sum()) / 100.0,
            "standalone_budget": float(self.budget_pence[s].sum()) / 100.0,
            "all_spend": float(self.spend_pence[self.included].sum()) / 100.0,
        }

    def break_even_savings(self) -> float:
        """Price reduction at which all pools together cost exactly their pooled budgets."""
        n = self.national()
        return 1.0 - n["pooled_budget"] / n["member_spend"] if n["member_spend"] > 0 else np.nan

    def savings_sweep(self, rates: FloatArray | list[float]) -> pd.DataFrame:
        """Shortfall per RCC and for all RCCs over a grid of price reductions (vectorised).

        ``breaks_even`` is true where the pool costs no more than its budget.

        >>> from fundmodel.scenarios.rcc.scenario import _demo_result
        >>> res = _demo_result()
        >>> res.savings_sweep([0.0, 0.2])[["rate", "rcc", "shortfall"]].to_dict("records")[-2:]
        [{'rate': 0.2, 'rcc': 'Demo', 'shortfall': -7565.67}, {'rate': 0.2, 'rcc': 'All RCCs', \
'shortfall': -7565.67}]
        """
        grid = np.asarray(rates, dtype=np.float64)
        budget = np.append(self._rcc_sum(self.contribution_pence),
                           self.contribution_pence[self.pooled].sum()) / 100.0
        spend = np.append(self._rcc_sum(self.spend_pence),
                          self.spend_pence[self.pooled].sum()) / 100.0
        cost = spend[None, :] * (1.0 - grid[:, None])
        shortfall = cost - budget[None, :]
        labels = [*self.rcc_names, "All RCCs"]
        k = len(labels)
        return pd.DataFrame({
            "rate": np.repeat(grid, k),
            "rcc": np.tile(np.array(labels, dtype=object), grid.size),
            "pooled_budget": np.tile(budget, grid.size),
            "pool_cost": cost.ravel(),
            "shortfall": shortfall.ravel(),
            "breaks_even": (shortfall <= 0).ravel(),
        })

    def buyers(self) -> pd.DataFrame:
        """Commissioning bodies after pooling (RCCs, then standalone councils) with spend
        and share of spend (%)."""
        s = self.included & (self.group < 0)
        names = [*self.rcc_names, *self.authorities.names[s].tolist()]
        spend = np.append(self._rcc_sum(self.spend_pence), self.spend_pence[s]) / 100.0
        total = spend.sum()
        return pd.DataFrame({
            "buyer": names,
            "kind": ["RCC"] * len(self.rcc_names) + [STANDALONE] * int(s.sum()),
            "spend": spend,
            "share_pct": 100.0 * spend / total if total > 0 else np.nan,
        })

    def concentration(self) -> pd.DataFrame:
        """Buyer concentration before (every council buys alone) and after pooling."""
        before = self.spend_pence[self.included] / 100.0
        after = self.buyers()["spend"].to_numpy()
        rows = []
        for label, spend in (("before (each council)", before), ("after pooling", after)):
            total = spend.sum()
            rows.append({
                "when": label,
                "buyers": int(spend.size),
                "largest_share_pct": 100.0 * spend.max() / total if total > 0 else np.nan,
                "hhi": hhi(spend) if total > 0 else np.nan,
            })
        return pd.DataFrame(rows)

    def council_amounts(self, what: str = "net_cost") -> pd.Series:
        """Pounds per council indexed by ONS code (for :func:`fundmodel.analysis.compare.compare`):
        ``net_cost`` (default), ``cross_subsidy``, ``contribution``, ``pool_pays``,
        ``settlement``, ``spend`` or ``budget``. Excluded councils are left out."""
        frame = self.to_frame()
        if what not in ("net_cost", "cross_subsidy", "contribution", "pool_pays",
                        "settlement", "spend", "budget"):
            raise ScenarioError(f"unknown amount {what!r}")
        kept = frame[self.included]
        return pd.Series(kept[what].to_numpy(), index=kept["code"].to_numpy(), name=self.label)

    # ---- checks and display ------------------------------------------------------------
    def check_conservation(self) -> None:
        """Money in = money paid out, to the penny, in every RCC and nationally.

        In: contributions + top-ups. Out: payments for members' placements + refunds.
        Every RCC ends with nothing left in the pool and cross-subsidies summing to zero.
        Raises AssertionError naming the RCC otherwise.
        """
        m = self.pooled
        top = np.where(self.settlement_pence > 0, self.settlement_pence, 0)
        refund = np.where(self.settlement_pence < 0, -self.settlement_pence, 0)
        money_in = self._rcc_sum(self.contribution_pence + top)
        money_out = self._rcc_sum(self.pays_pence + refund)
        for k, name in enumerate(self.rcc_names):  # one line per RCC, a handful
            assert money_in[k] == money_out[k], (
                f"RCC {name!r}: in {money_in[k]}p, out {money_out[k]}p"
            )
        cross = self._rcc_sum(self.cross_subsidy_pence)
        assert np.all(cross == 0), f"cross-subsidies do not net to zero: {cross}"
        assert int(self.contribution_pence[m].sum() + top.sum()) == int(
            self.pays_pence[m].sum() + refund.sum()
        ), "national money in differs from money out"
        assert np.all(self.contribution_pence[~m] == 0) and np.all(self.pays_pence[~m] == 0)

    def summary(self) -> str:
        """Plain-text summary: membership, the shortfall, break-even saving, buyers."""
        n = self.national()
        sc = self.scenario
        rf = self.rcc_frame()
        conc = self.concentration()
        pooled = int(self.pooled.sum())
        standalone = int((self.included & (self.group < 0)).sum())
        tag = " (BUDGETS ASSUMED)" if self.budget_is_assumed else (
            " (budget_source=data)" if sc.budget_source == "data" else "")
        lines = [
            f"{self.label}{tag}: {self.membership.name}",
            f"  {len(self.rcc_names)} RCC(s) pooling {pooled} councils; "
            f"{standalone} standalone",
        ]
        if (~self.included).any():
            ex = self.excluded
            what = "no budget or no outturn" if self.exclusion_reasons else "no spend figure"
            lines.append(f"  excluded ({what}): " + "; ".join(
                f"{n} ({r})" if self.exclusion_reasons else str(n)
                for n, r in zip(ex["name"], ex["reason"], strict=True)))
        lines.append(f"  designated budgets: {self.budget_label}"
                     + (f" [{sc.overspend_rate.source.cite()}]" if self.budget_is_assumed
                        else ""))
        if pooled:
            pct = 100.0 * n["spending_power_shortfall"] / n["member_spend"]
            lines += [
                f"  pooled budgets {_gbp(n['pooled_budget'])} vs members' actual looked-after "
                f"children's spend {_gbp(n['member_spend'])}: spending-power shortfall "
                f"{_gbp(n['spending_power_shortfall'])} ({pct:.1f}% of spend)",
                f"  price reduction from scale assumed {sc.savings:.1%}: pool cost "
                f"{_gbp(n['pool_cost'])}, shortfall after savings "
                f"{_gbp(n['shortfall_after_savings'])}",
                f"  break-even price reduction {self.break_even_savings():.1%} for all RCCs "
                f"(RCCs range {rf['break_even_savings'].min():.1%} to "
                f"{rf['break_even_savings'].max():.1%})",
                f"  balances shared by {sc.share_shortfall_by}: top-ups "
                f"{_gbp(n['top_ups'])}, refunds {_gbp(n['refunds'])}; largest "
                f"cross-subsidy {_gbp(float(np.abs(self.cross_subsidy_pence).max()) / 100)}",
            ]
        lines.append(
            f"  buyers {conc['buyers'][0]} -> {conc['buyers'][1]}; HHI "
            f"{conc['hhi'][0]:,.0f} -> {conc['hhi'][1]:,.0f} (0-10,000); largest buyer's share "
            f"{conc['largest_share_pct'][0]:.1f}% -> {conc['largest_share_pct'][1]:.1f}%"
        )
        if pooled and sc.budget_source == "data":
            lines.append(
                f"  RCCs range from {_gbp(float(rf['shortfall'].min()))} to "
                f"{_gbp(float(rf['shortfall'].max()))} (negative = surplus); "
                f"{int((rf['shortfall'] > 0).sum())} of {len(rf)} short")
        lines.extend(f"  note: {n}" for n in self.notes)
        return "\n".join(lines)

    def __repr__(self) -> str:
        return (
            f"RCCResult({self.label!r}, rccs={len(self.rcc_names)}, "
            f"pooled={int(self.pooled.sum())}, authorities={self.authorities.n})"
        )

    def _repr_html_(self) -> str:
        rf = self.rcc_frame()
        cells = zip(rf["rcc"], rf["members"], rf["pooled_budget"].to_numpy(np.float64),
                    rf["member_spend"].to_numpy(np.float64), rf["shortfall"].to_numpy(np.float64),
                    strict=True)
        right = "<td style='text-align:right'>"
        rows = "".join(
            f"<tr><td>{html.escape(str(rcc))}</td>{right}{int(members)}</td>"
            f"{right}{html.escape(format_gbp(float(budget)))}</td>"
            f"{right}{html.escape(format_gbp(float(spend)))}</td>"
            f"{right}{html.escape(format_gbp(float(short)))}</td></tr>"
            for rcc, members, budget, spend, short in cells
        )
        summary = html.escape(self.summary()).replace("\n", "<br>")
        return (
            f"<div><p>{summary}</p><table><thead><tr><th>RCC</th><th>members</th>"
            "<th>pooled budget</th><th>member spend</th><th>shortfall</th></tr></thead>"
            f"<tbody>{rows}</tbody></table><small>fundmodel {html.escape(self.version)}; "
            "use .to_frame() per council, .rcc_frame() per RCC</small></div>"
        )
