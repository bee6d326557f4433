"""``kind: payment_by_results``: part of a grant paid only when a council meets a results measure.

The grant (default: Family Help money a year, ``payment_by_results.yaml``) is first split by
a needs formula through the engine (default the Children Act preset), exactly as it would be
paid unconditionally. Each council's amount is then split to the penny into an attachment
part (``1 - results_share``, paid up front) and a results part (paid only if it attains the
measure; unclaimed results money goes back to the Treasury). The Troubled Families phases are
shipped as reference points (results share 20% -> 40% -> 60% of up to £4,000 a family).

Each council's chance of attaining comes from ``probability``: a user column of values in
0..1 (``source: column``), or an **illustrative proxy** from the latest Ofsted ILACS grade
(``source: ofsted_proxy``; assumed chances per grade with ranges, labelled as such in every
output). Outputs per council: expected funding, the range of outcomes over seeded draws
(chances drawn over their ranges, then attainment), funding at risk in £ and as % of
children's services spend (RO3 2024-25), and how expected loss lines up with need and
deprivation (rank correlations), all beside the unconditional payment by the same formula.

>>> s = PaymentByResultsScenario(header={"title": "t", "assumes": "a"}, results_share=0.0,
...                              draws=50)
>>> r = s.run()
>>> bool((r.to_frame()["expected_funding"] == r.to_frame()["unconditional"]).all())
True
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Annotated, Literal

import numpy as np
import pandas as pd
from pydantic import ConfigDict, Field

from fundmodel._types import FloatArray, IntArray
from fundmodel._version import __version__
from fundmodel.core.model import FrozenModel
from fundmodel.engine.named_formulas import FormulaOrPreset, named_formula
from fundmodel.errors import DataError
from fundmodel.parameters import shipped
from fundmodel.parameters.records import Fraction, Money, Parameter
from fundmodel.scenarios.base import Scenario
from fundmodel.scenarios.debate.common import gbp, html_block, range_text, rank_correlation
from fundmodel.scenarios.debate.draws import (
    DEFAULT_DRAWS,
    bernoulli_draws,
    interval,
    parameter_draws,
)

if TYPE_CHECKING:
    from fundmodel.data.authorities import Authorities

RECORDS = shipped("payment_by_results")
"""The records of ``payment_by_results.yaml``."""

GRADES = ("outstanding", "good", "requires_improvement", "inadequate")
NEED_COLUMN = "cla_rate_per_10k_2025"
DEPRIVATION_COLUMN = "child_poverty_pct"
SPEND_COLUMN = "ro3_csc_net_2024_25"


class OfstedProxy(FrozenModel):
    """ILLUSTRATIVE: the chance of attaining set by the latest Ofsted ILACS grade (1-4)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    source: Literal["ofsted_proxy"] = "ofsted_proxy"
    column: str = "ofsted_ilacs_grade"
    outstanding: Fraction = RECORDS["p_attain_outstanding"]
    good: Fraction = RECORDS["p_attain_good"]
    requires_improvement: Fraction = RECORDS["p_attain_requires_improvement"]
    inadequate: Fraction = RECORDS["p_attain_inadequate"]

    def parameters(self) -> dict[str, Parameter]:
        """Grade -> chance record."""
        return {g: getattr(self, g) for g in GRADES}


class ProbabilityColumn(FrozenModel):
    """Each council's chance of attaining, from a column of the authority data (0..1)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    source: Literal["column"] = "column"
    column: str = Field(min_length=1)


Probability = Annotated[OfstedProxy | ProbabilityColumn, Field(discriminator="source")]


class PaymentByResultsScenario(Scenario):
    """A grant paid partly on results (see the module docstring)."""

    kind: Literal["payment_by_results"] = "payment_by_results"
    grant: Money = RECORDS["family_help_grant_per_year"]
    results_share: Fraction = RECORDS["tf_results_share_2014_15"]
    formula: FormulaOrPreset = Field(default_factory=lambda: named_formula("children_act"))
    probability: Probability = Field(default_factory=OfstedProxy)
    draws: int = Field(default=DEFAULT_DRAWS, ge=1, le=100_000)
    seed: int = Field(default=2026, ge=0)

    def parameters(self) -> list[Parameter]:
        """Every Parameter the scenario uses."""
        found = [self.grant, self.results_share]
        if isinstance(self.probability, OfstedProxy):
            found.extend(self.probability.parameters().values())
        return found

    def run(self, authorities: Authorities | None = None) -> PaymentByResultsResult:
        """Allocate, split into attachment and results parts, and draw outcomes."""
        from fundmodel.data.authorities import load_authorities
        from fundmodel.engine.allocate import allocate

        la = authorities if authorities is not None else load_authorities()
        grant = round(self.grant.in_pounds(), 2)
        base = allocate(self.formula, la, grant).amount_pence[0]
        results = np.round(base * self.results_share.value).astype(np.int64)
        attachment = base - results
        p, p_draws = self._chances(la)
        hit = bernoulli_draws(p_draws, self.draws, self.seed, "attainment")
        paid = attachment[None, :] + np.where(hit, results[None, :], 0)
        return PaymentByResultsResult(scenario=self, authorities=la, unconditional_pence=base,
                                      attachment_pence=attachment, results_pence=results,
                                      probability=p, paid_draws=paid)

    def _chances(self, la: Authorities) -> tuple[FloatArray, FloatArray]:
        """Central chances (councils,) and drawn chances (draws, councils)."""
        prob = self.probability
        values = la.column(prob.column)
        if isinstance(prob, ProbabilityColumn):
            bad = np.flatnonzero(~((values >= 0) & (values <= 1)))
            if bad.size:
                i = int(bad[0])
                raise DataError(f"probability column {prob.column!r}: {la.codes[i]} "
                                f"{la.names[i]} has {values[i]}; chances must lie in 0..1")
            return values.copy(), np.broadcast_to(values, (self.draws, la.n))
        bad = np.flatnonzero(~np.isin(values, [1.0, 2.0, 3.0, 4.0]))
        if bad.size:
            i = int(bad[0])
            raise DataError(f"Ofsted proxy column {prob.column!r}: {la.codes[i]} {la.names[i]} "
                            f"has {values[i]}; grades are 1 (Outstanding) to 4 (Inadequate)")
        grade = values.astype(np.int64) - 1
        params = prob.parameters()
        central = np.array([params[g].value for g in GRADES])[grade]
        drawn = parameter_draws({f"p_{g}": params[g] for g in GRADES}, self.draws, self.seed)
        table = np.column_stack([drawn[f"p_{g}"] for g in GRADES])  # draws x grades
        return central, table[:, grade]


@dataclass(frozen=True, eq=False)
class PaymentByResultsResult:
    """Per council (pence): unconditional, attachment and results parts; draws of funding paid."""

    scenario: PaymentByResultsScenario
    authorities: Authorities
    unconditional_pence: IntArray
    attachment_pence: IntArray
    results_pence: IntArray
    probability: FloatArray
    paid_draws: IntArray
    version: str = __version__

    @property
    def label(self) -> str:
        """Short name for tables and charts."""
        return self.scenario.title

    @property
    def is_proxy(self) -> bool:
        """True when the chances are the illustrative Ofsted proxy."""
        return isinstance(self.scenario.probability, OfstedProxy)

    def expected(self) -> FloatArray:
        """Expected funding per council, pounds: attachment + chance x results part."""
        out: FloatArray = (self.attachment_pence + self.probability * self.results_pence) / 100.0
        return out

    def council_amounts(self) -> pd.Series:
        """Expected funding per council, pounds, by ONS code."""
        return pd.Series(self.expected(), index=self.authorities.codes, name=self.label)

    def unconditional_amounts(self) -> pd.Series:
        """The same grant paid unconditionally by the same formula, pounds, by ONS code."""
        return pd.Series(self.unconditional_pence / 100.0, index=self.authorities.codes,
                         name=f"{self.label} (unconditional)")

    def national_paid(self) -> tuple[float, float, float, float]:
        """(expected, low, median, high) national funding paid, pounds (90% interval)."""
        totals = self.paid_draws.sum(axis=1) / 100.0
        low, mid, high = interval(totals)
        return float(self.expected().sum()), float(low), float(mid), float(high)

    def correlations(self) -> dict[str, float]:
        """Rank correlations with need (CLA rate) and deprivation (child poverty) of the
        expected loss as a share of the unconditional amount (``need``, ``deprivation``:
        the conditionality itself) and per child aged 0-17 (``*_per_child``: also carries
        the formula's tilt, since higher-need councils get more per child to lose)."""
        la = self.authorities
        base = self.unconditional_pence / 100.0
        loss = base - self.expected()
        kids = la.column("children_0_17")
        with np.errstate(divide="ignore", invalid="ignore"):
            per_child = np.where(kids > 0, loss / kids, np.nan)
            share = np.where(base > 0, loss / base, np.nan)
        out = {}
        for key, col in (("need", NEED_COLUMN), ("deprivation", DEPRIVATION_COLUMN)):
            values = la.column(col) if col in la.numeric_columns else np.full(la.n, np.nan)
            out[key] = rank_correlation(share, values)
            out[f"{key}_per_child"] = rank_correlation(per_child, values)
        return out

    def to_frame(self) -> pd.DataFrame:
        """One row per council: unconditional, attachment, at_risk (results part), chance,
        expected_funding, expected_loss, funding_low/high (5th/95th percentile of the draws),
        at_risk_pct_of_csc_spend, chance_is_proxy."""
        la = self.authorities
        low, _, high = interval(self.paid_draws / 100.0)
        spend = la.column(SPEND_COLUMN) if SPEND_COLUMN in la.numeric_columns else np.full(
            la.n, np.nan)
        expected = self.expected()
        with np.errstate(divide="ignore", invalid="ignore"):
            pct = np.where(spend > 0, 100.0 * self.results_pence / 100.0 / spend, np.nan)
        return pd.DataFrame({
            "code": la.codes, "name": la.names, "region": la.regions,
            "unconditional": self.unconditional_pence / 100.0,
            "attachment": self.attachment_pence / 100.0,
            "at_risk": self.results_pence / 100.0,
            "chance": self.probability,
            "expected_funding": expected,
            "expected_loss": self.unconditional_pence / 100.0 - expected,
            "funding_low": low, "funding_high": high,
            "at_risk_pct_of_csc_spend": pct,
            "chance_is_proxy": self.is_proxy,
        })

    def sources(self) -> list[str]:
        """Citations: parameter records and embedded columns."""
        from fundmodel.data.provenance import cite_columns

        cols = [self.scenario.probability.column, SPEND_COLUMN, NEED_COLUMN, DEPRIVATION_COLUMN]
        return [p.cite() for p in self.scenario.parameters()] + cite_columns(cols)

    def summary(self) -> str:
        """Plain-text headline with every number traced to a record."""
        s = self.scenario
        exp, low, _, high = self.national_paid()
        grant = float(self.unconditional_pence.sum()) / 100.0
        at_risk = float(self.results_pence.sum()) / 100.0
        corr = self.correlations()
        proxy = (" CHANCES ARE AN ILLUSTRATIVE OFSTED-GRADE PROXY (assumption: "
                 "payment_by_results.yaml#p_attain_*), not evidence" if self.is_proxy
                 else f" chances from column {s.probability.column!r}")
        frame = self.to_frame()
        lines = [
            f"{self.label}: {self.authorities.n} councils;{proxy}",
            f"  grant {gbp(grant)} ({s.grant.origin}) by {s.formula.name}; "
            f"{100 * s.results_share.value:.0f}% on results ({s.results_share.origin})",
            f"  funding at risk {gbp(at_risk)}; expected paid {range_text(exp, low, high)} "
            f"over {s.draws} seeded draws (seed {s.seed}); unpaid money returns to the Treasury",
            f"  median council at risk: {frame['at_risk_pct_of_csc_spend'].median():.2f}% of its "
            "children's services spend (RO3 2024-25)",
            f"  expected loss as a share of the unconditional amount, rank correlation with "
            f"need (CLA rate) {corr['need']:+.2f}, with deprivation (child poverty) "
            f"{corr['deprivation']:+.2f}; per child {corr['need_per_child']:+.2f} and "
            f"{corr['deprivation_per_child']:+.2f}"
            + (" (positive: money moves AWAY from higher-need councils)"
               if corr["need"] > 0 else ""),
            "  sources: " + "; ".join(self.sources()),
        ]
        return "\n".join(lines)

    def __repr__(self) -> str:
        return f"PaymentByResultsResult({self.label!r}, draws={self.scenario.draws})"

    def _repr_html_(self) -> str:
        exp, low, _, high = self.national_paid()
        rows = [("expected funding paid", gbp(exp)), ("90% interval", f"{gbp(low)} to {gbp(high)}"),
                ("chances", "ILLUSTRATIVE proxy" if self.is_proxy else "user column")]
        return html_block(self.label, self.version, self.summary().splitlines()[1:], rows)
