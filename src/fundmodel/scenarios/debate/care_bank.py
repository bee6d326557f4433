"""``kind: care_bank``: a national Care Bank pays for councils' placements (Children England).

The Bank takes over ``coverage`` (default: all, ``care_bank.yaml#care_bank_coverage``) of each
council's net spend on the chosen RO3 children looked after lines (residential, fostering,
other; asylum-seeking children optionally) in ``period`` (latest outturn, 2024-25). Per
council: the spend that moves, the children's services budget that remains, and the change
in its ``overspend_period`` overspend (RA budget line 330 against RO3 total children's social
care outturn, 2023-24) had the Bank existed. The national cost is the sum moved.

``adjustment`` says how councils' grant changes: ``none`` (councils keep the money: each
gains what moves), ``formula`` (the Treasury claws back the national cost from councils by
a needs formula, default the Children Act preset: councils whose placement spend is high
for their formula share gain, the rest lose) or ``own_spend`` (each council's grant falls by
exactly what moves: nobody gains or loses). Clawback is split to the penny, so the clawback
sums exactly to the national cost.

>>> from fundmodel.testing import synthetic_authorities
>>> import pandas as pd
>>> la = synthetic_authorities([[1.0], [1.0]])
>>> frame = la.to_frame().assign(ro3_lac_residential_net_2024_25=[300.0, 100.0],
...     ro3_csc_net_2024_25=[1000.0, 900.0])
>>> from fundmodel.data.authorities import authorities_from_frame
>>> s = CareBankScenario(header={"title": "t", "assumes": "a"}, lines=("residential",),
...                      overspend_period=None, adjustment="formula",
...                      formula={"name": "equal", "indicators": [
...                          {"name": "x0", "column": "x0", "weight": 1.0}]})
>>> r = s.run(authorities_from_frame(frame))
>>> r.national_cost(), r.to_frame()["net_gain"].tolist()
(400.0, [100.0, -100.0])
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

import numpy as np
import pandas as pd
from pydantic import Field

from fundmodel._types import BoolArray, FloatArray, IntArray
from fundmodel._version import __version__
from fundmodel.engine.named_formulas import FormulaOrPreset
from fundmodel.parameters import shipped
from fundmodel.parameters.records import Fraction, Parameter
from fundmodel.scenarios.base import Scenario
from fundmodel.scenarios.debate.common import (
    check_missing,
    council_values,
    first_reason,
    gbp,
    html_block,
    split_pence,
    to_pence,
)

if TYPE_CHECKING:
    from fundmodel.data.authorities import Authorities

RECORDS = shipped("care_bank")
"""The records of ``care_bank.yaml``."""

PLACEMENT_LINES: dict[str, str] = {
    "residential": "ro3_lac_residential_net",
    "fostering": "ro3_lac_fostering_net",
    "other": "ro3_lac_other_net",
    "asylum_seekers": "ro3_lac_uasc_net",
}
"""Placement line -> RO3 measure (children looked after, net current expenditure)."""

PlacementLine = Literal["residential", "fostering", "other", "asylum_seekers"]
CSC_TOTAL = "ro3_csc_net"
BUDGET_TOTAL = "ra_budget_csc_net"


class CareBankScenario(Scenario):
    """A national body pays councils' placement spend (see the module docstring)."""

    kind: Literal["care_bank"] = "care_bank"
    lines: tuple[PlacementLine, ...] = ("residential", "fostering", "other")
    coverage: Fraction = RECORDS["care_bank_coverage"]
    period: str = "2024-25"
    overspend_period: str | None = Field(default="2023-24", description="None: skip the "
                                         "overspend counterfactual")
    adjustment: Literal["none", "formula", "own_spend"] = "none"
    formula: FormulaOrPreset | None = Field(default=None, description="clawback formula "
                                            "(adjustment: formula); default children_act")
    missing: Literal["error", "exclude"] = "error"

    def parameters(self) -> list[Parameter]:
        """Every Parameter the scenario uses."""
        return [self.coverage]

    def run(self, authorities: Authorities | None = None) -> CareBankResult:
        """Move the placement spend, adjust grants, and redo the overspend year."""
        from fundmodel.data.authorities import load_authorities

        la = authorities if authorities is not None else load_authorities()
        moved, lines, why = self._moved(la, self.period)
        csc, why_csc = council_values(la, CSC_TOTAL, self.period)
        ok = check_missing(la, first_reason(why, why_csc), self.missing,
                           f"Care Bank, {self.period} outturn")
        moved = np.where(ok, moved, 0)
        clawback = self._clawback(la, moved, ok)
        over: dict[str, FloatArray] = {}
        ok_over = np.zeros(la.n, dtype=bool)
        if self.overspend_period is not None:
            p = self.overspend_period
            moved_o, _, why_o = self._moved(la, p)
            budget, why_b = council_values(la, BUDGET_TOTAL, p)
            outturn, why_t = council_values(la, CSC_TOTAL, p)
            ok_over = check_missing(la, first_reason(why_o, why_b, why_t), self.missing,
                                    f"Care Bank, {p} overspend")
            moved_o = np.where(ok_over, moved_o, 0)
            claw_o = self._clawback(la, moved_o, ok_over)
            before = np.where(ok_over, outturn - budget, np.nan)
            change = np.where(ok_over, (claw_o - moved_o) / 100.0, np.nan)
            over = {"budget": np.where(ok_over, budget, np.nan),
                    "outturn": np.where(ok_over, outturn, np.nan),
                    "moved": np.where(ok_over, moved_o / 100.0, np.nan),
                    "clawback": np.where(ok_over, claw_o / 100.0, np.nan),
                    "before": before, "change": change, "after": before + change}
        return CareBankResult(scenario=self, authorities=la, line_pence=lines,
                              moved_pence=moved, csc=np.where(ok, csc, np.nan),
                              clawback_pence=clawback, included=ok, overspend=over,
                              overspend_included=ok_over,
                              reasons=first_reason(why, why_csc))

    def _moved(self, la: Authorities, period: str) -> tuple[IntArray, IntArray, np.ndarray]:
        """Pence per council moving to the Bank, the line pence, and missing reasons."""
        lines = np.zeros((len(self.lines), la.n), dtype=np.int64)
        why = np.full(la.n, "", dtype=object)
        for k, line in enumerate(self.lines):
            values, reason = council_values(la, PLACEMENT_LINES[line], period)
            lines[k] = to_pence(values)
            why = first_reason(why, reason)
        total = lines.sum(axis=0)
        moved: IntArray = np.round(total * self.coverage.value).astype(np.int64)
        return moved, lines, why

    def _clawback(self, la: Authorities, moved: IntArray, ok: BoolArray) -> IntArray:
        if self.adjustment == "none":
            return np.zeros(la.n, dtype=np.int64)
        if self.adjustment == "own_spend":
            return moved.copy()
        from fundmodel.engine.allocate import indicator_matrix
        from fundmodel.engine.named_formulas import named_formula

        formula = self.formula if self.formula is not None else named_formula("children_act")
        keep = np.flatnonzero(ok)
        sub = la.take(keep)
        shares = (formula.weight_vector()[:, None] * indicator_matrix(formula, sub)).sum(axis=0)
        weights = np.zeros(la.n)
        weights[keep] = shares
        return split_pence(int(moved[ok].sum()), weights, la)


@dataclass(frozen=True, eq=False)
class CareBankResult:
    """Per council (pence): line spend, spend moved, clawback; the overspend counterfactual."""

    scenario: CareBankScenario
    authorities: Authorities
    line_pence: IntArray
    moved_pence: IntArray
    csc: FloatArray
    clawback_pence: IntArray
    included: BoolArray
    overspend: dict[str, FloatArray]
    overspend_included: BoolArray
    reasons: np.ndarray
    version: str = __version__

    @property
    def label(self) -> str:
        """Short name for tables and charts."""
        return self.scenario.title

    def national_cost(self) -> float:
        """What the Bank pays a year, pounds (the sum moved over included councils)."""
        return float(self.moved_pence[self.included].sum()) / 100.0

    def net_gain(self) -> FloatArray:
        """Per council, pounds: spend moved minus grant clawed back (NaN where excluded)."""
        return np.where(self.included, (self.moved_pence - self.clawback_pence) / 100.0, np.nan)

    def council_amounts(self) -> pd.Series:
        """Each council's budget relief (spend moved minus clawback), pounds, by ONS code;
        councils excluded for missing outturn are left out (and listed in ``to_frame()``)."""
        ok = self.included
        return pd.Series(self.net_gain()[ok], index=self.authorities.codes[ok], name=self.label)

    def sources(self) -> list[str]:
        """Citations: the parameter records and the embedded tables."""
        from fundmodel.data.provenance import cite_columns

        measures = [PLACEMENT_LINES[x] for x in self.scenario.lines] + [CSC_TOTAL]
        if self.scenario.overspend_period is not None:
            measures.append(BUDGET_TOTAL)
        return [p.cite() for p in self.scenario.parameters()] + cite_columns(measures)

    def to_frame(self) -> pd.DataFrame:
        """One row per council: each line's spend, moved_to_bank, csc_spend, remaining_budget,
        clawback, net_gain, outcome, the overspend-year figures, included and note."""
        la = self.authorities
        ok = self.included
        frame = pd.DataFrame({"code": la.codes, "name": la.names, "region": la.regions,
                              "period": self.scenario.period})
        for k, line in enumerate(self.scenario.lines):
            frame[f"{line}_spend"] = np.where(ok, self.line_pence[k] / 100.0, np.nan)
        frame["moved_to_bank"] = np.where(ok, self.moved_pence / 100.0, np.nan)
        frame["csc_spend"] = self.csc
        frame["remaining_budget"] = self.csc - frame["moved_to_bank"]
        frame["clawback"] = np.where(ok, self.clawback_pence / 100.0, np.nan)
        frame["net_gain"] = self.net_gain()
        gain = frame["net_gain"].to_numpy()
        frame["outcome"] = np.where(~ok, "excluded", np.where(gain >= 1, "gain", np.where(
            gain <= -1, "loss", "no change")))
        frame["adjustment"] = self.scenario.adjustment
        p = self.scenario.overspend_period
        if p is not None:
            tag = p.replace("-", "_")
            for key in ("budget", "outturn", "moved", "clawback", "before", "change", "after"):
                name = {"before": "overspend", "after": "overspend_with_bank",
                        "change": "overspend_change"}.get(key, key)
                frame[f"{name}_{tag}"] = self.overspend[key]
        frame["included"] = ok
        frame["note"] = np.where(ok, "", self.reasons)
        return frame

    def winners_losers(self) -> dict[str, int]:
        """Councils gaining, losing (by at least £1) or unchanged under the adjustment."""
        out = self.to_frame()["outcome"].value_counts()
        return {k: int(out.get(k, 0)) for k in ("gain", "loss", "no change", "excluded")}

    def summary(self) -> str:
        """Plain-text headline: the national cost, what councils keep, the overspend year."""
        s = self.scenario
        ok = self.included
        cov = s.coverage
        ref = RECORDS["lga_placement_spend_2022_23"]
        lines = [
            f"{self.label}: {int(ok.sum())} of {self.authorities.n} councils, {s.period} outturn",
            f"  national cost {gbp(self.national_cost())} a year: {100 * cov.value:.0f}% "
            f"({cov.ref or cov.label}) of RO3 lines {', '.join(s.lines)}"
            f"{' (coverage is an ASSUMPTION)' if cov.assumption else ''}",
            f"  reference: LGA survey placement spend {gbp(ref.in_pounds())} in 2022-23 "
            f"({ref.origin})",
            f"  children's services spend remaining with councils "
            f"{gbp(float(np.nansum(self.csc)) - self.national_cost())}",
        ]
        wl = self.winners_losers()
        claw = float(self.clawback_pence[ok].sum()) / 100.0
        lines.append(f"  grant adjustment {s.adjustment!r}: clawback {gbp(claw)}; "
                     f"{wl['gain']} councils gain, {wl['loss']} lose, {wl['no change']} unchanged")
        if s.overspend_period is not None and self.overspend_included.any():
            o = self.overspend
            oo = self.overspend_included
            lines.append(
                f"  {s.overspend_period}: overspend {gbp(float(np.nansum(o['before'])))} across "
                f"{int(oo.sum())} councils with budget and outturn; with the Bank "
                f"{gbp(float(np.nansum(o['after'])))} ({int((o['after'][oo] > 0).sum())} "
                f"overspending, down from {int((o['before'][oo] > 0).sum())})")
        excluded = self.authorities.n - int(ok.sum())
        if excluded:
            lines.append(f"  note: {excluded} council(s) excluded for missing outturn "
                         "(see to_frame()['note'])")
        lines.append("  sources: " + "; ".join(self.sources()))
        return "\n".join(lines)

    def __repr__(self) -> str:
        return (f"CareBankResult({self.label!r}, national_cost={self.national_cost():,.0f}, "
                f"adjustment={self.scenario.adjustment!r})")

    def _repr_html_(self) -> str:
        wl = self.winners_losers()
        rows = [("national cost a year", gbp(self.national_cost())),
                ("grant adjustment", self.scenario.adjustment),
                ("councils gaining / losing", f"{wl['gain']} / {wl['loss']}")]
        return html_block(self.label, self.version, self.summary().splitlines()[1:], rows)
