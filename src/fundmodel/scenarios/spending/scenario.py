"""``kind: spending``: the scenario model, its preset and its result."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal

import pandas as pd
from pydantic import field_validator, model_validator

from fundmodel._version import __version__
from fundmodel.engine.years import Deflator, year_label, year_start
from fundmodel.errors import ScenarioError
from fundmodel.parameters.records import Parameter, Unit, as_parameter
from fundmodel.scenarios.base import Scenario, ScenarioHeader, resolve_input

if TYPE_CHECKING:
    from fundmodel.data.authorities import Authorities
from fundmodel.scenarios.spending.analyse import analyse_spending
from fundmodel.scenarios.spending.analysis import SpendingAnalysis
from fundmodel.scenarios.spending.cube import _html_block
from fundmodel.scenarios.spending.lines import (
    NAO_PREVENTIVE_SHARE_2010_11,
    PROMISE_PREVENTIVE_SHARE,
    Dataset,
)
from fundmodel.scenarios.spending.targets import TargetCheck
from fundmodel.scenarios.spending.taxonomy import Taxonomy, load_taxonomy, shipped_taxonomies


class SpendingScenario(Scenario):
    """``kind: spending``: the balance of spending per council over time under a taxonomy,
    demand beside it, and the cost of reaching target shares.

    ``taxonomy`` is a shipped name, a path to your YAML file, or an inline taxonomy.
    ``targets`` are focus shares in percent (bare numbers are recorded as user-supplied).
    ``dataset: s251_history`` runs from 2008-09 (shares from 2010-11). ``deflator``: ``gdp``
    (default, HM Treasury GDP deflator March 2026, 2024-25 prices), a :class:`Deflator`
    (e.g. the labelled illustrative one), or ``null`` for cash only.

    >>> s = prevention_scenario()
    >>> [t.value for t in s.targets], s.ask
    ([5.0, 41.0], 'family_help')
    """

    kind: Literal["spending"] = "spending"
    taxonomy: str | Taxonomy = "prevention"
    dataset: Dataset = "s251"
    start: str | None = None
    end: str | None = None
    targets: tuple[Parameter, ...] = (PROMISE_PREVENTIVE_SHARE, NAO_PREVENTIVE_SHARE_2010_11)
    deflator: Deflator | Literal["gdp"] | None = "gdp"
    demand: Literal["referrals", "cin", "cpp", "cla"] = "cla"
    ask: Literal["family_help", "care_review"] = "family_help"

    @field_validator("targets", mode="before")
    @classmethod
    def _target_parameters(cls, value: Any) -> Any:
        if isinstance(value, list | tuple):
            return tuple(as_parameter(v, "target share", Unit.PERCENT) for v in value)
        return value

    @field_validator("targets")
    @classmethod
    def _targets_percent(cls, value: tuple[Parameter, ...]) -> tuple[Parameter, ...]:
        for p in value:
            if p.unit != Unit.PERCENT or not 0.0 <= p.value < 100.0:
                raise ValueError(f"target {p.label!r} must be a percentage in [0, 100), got "
                                 f"{p.value} {p.unit}")
        return value

    @field_validator("taxonomy")
    @classmethod
    def _taxonomy_file_beside_the_scenario(cls, value: str | Taxonomy) -> str | Taxonomy:
        if isinstance(value, str) and value not in shipped_taxonomies():
            return resolve_input(value)  # a file: relative to the scenario file
        return value

    @field_validator("start", "end")
    @classmethod
    def _year(cls, value: str | None) -> str | None:
        if value is not None and year_label(year_start(value)) != value:
            raise ValueError(f"not a financial year label like '2016-17': {value!r}")
        return value

    @model_validator(mode="after")
    def _window_in_order(self) -> SpendingScenario:
        if self.start is not None and self.end is not None and (
                year_start(self.start) >= year_start(self.end)):
            raise ValueError(f"the window runs backwards or is empty: start {self.start} is "
                             f"not before end {self.end}")
        return self

    def resolved_taxonomy(self) -> Taxonomy:
        """The taxonomy model (loading a shipped name or file)."""
        return self.taxonomy if isinstance(self.taxonomy, Taxonomy) else load_taxonomy(
            self.taxonomy)

    def run(self, authorities: Authorities | None = None) -> SpendingResult:
        """Analyse, rank the change, check each target against the ask."""
        from fundmodel.scenarios.family_help.asks import care_review_ask, family_help_ask

        analysis = analyse_spending(self.resolved_taxonomy(), dataset=self.dataset,
                                    deflator=self.deflator, authorities=authorities)
        ask = (family_help_ask() if self.ask == "family_help" else care_review_ask()).run()
        checks = tuple(analysis.target_check(t, self.end, asks=(ask,)) for t in self.targets)
        return SpendingResult(
            scenario=self, analysis=analysis,
            change=analysis.share_change(self.start, self.end), targets=checks,
            elasticities=analysis.elasticities(self.demand, None, self.start, self.end))


def prevention_scenario() -> SpendingScenario:
    """Preset: prevention vs late intervention, s251 2016-17 to 2024-25, targets 5% (the
    Promise) and 41% (NAO 2010-11), against Family Help; cash terms.

    >>> prevention_scenario().header.title
    'Prevention vs late intervention, 2016-17 to 2024-25'
    """
    return SpendingScenario(
        header=ScenarioHeader(
            title="Prevention vs late intervention, 2016-17 to 2024-25",
            source=NAO_PREVENTIVE_SHARE_2010_11.source,
            assumes="the shipped 'prevention' line mapping (some lines fundmodel's reading); "
            "section 251 gross outturn in cash; targets applied to the s251 total although "
            "Scotland's 5% is of all community health and social care spend; Family Help's "
            "£2bn spread evenly over five years and distributed by the Children Act formula"),
    )


@dataclass(frozen=True, eq=False)
class SpendingResult:
    """What :meth:`SpendingScenario.run` returns."""

    scenario: SpendingScenario
    analysis: SpendingAnalysis
    change: pd.DataFrame
    targets: tuple[TargetCheck, ...]
    elasticities: pd.DataFrame
    version: str = __version__

    @property
    def label(self) -> str:
        """Short name for tables and charts."""
        return self.scenario.title

    def council_amounts(self) -> pd.Series:
        """New money a year each council would need to reach the FIRST target (pounds, by
        ONS code; NaN where the council has no figures that year)."""
        if not self.targets:
            raise ScenarioError("the scenario has no targets, so no council amounts")
        frame = self.targets[0].to_frame().set_index("code")
        return frame["add_needed"].rename(f"add to reach {self.targets[0].target.value:g}%")

    def to_frame(self) -> pd.DataFrame:
        """One row per council: focus share start/end, change and rank, total spend growth,
        the add and move for each target, and the spend/demand elasticity."""
        frame = self.change.set_index("code")
        growth = self.analysis.growth(self.change.attrs["start"], self.change.attrs["end"])
        frame["total_growth_pct"] = growth.set_index("code")["total_growth_pct"]
        for check in self.targets:
            tf = check.to_frame().set_index("code")
            frame[f"move_to_{check.target.value:g}pct"] = tf["move_needed"]
            frame[f"add_to_{check.target.value:g}pct"] = tf["add_needed"]
        el = self.elasticities.set_index("code")
        frame["demand_growth_pct"] = el["demand_growth_pct"]
        frame["elasticity"] = el["elasticity"]
        frame["elasticity_stable"] = el["stable"]
        return frame.reset_index()

    def summary(self) -> str:
        """Headline lines of the analysis and every target."""
        window = (self.scenario.start, self.scenario.end)
        parts = [self.label, self.analysis.summary(*window), *(c.summary() for c in self.targets)]
        el = self.elasticities
        stable = el[el["stable"]]
        if len(stable):
            parts.append(f"  spend/demand ({el.attrs['demand']}) ratio, median over "
                         f"{len(stable)} stable councils: {stable['elasticity'].median():.2f} "
                         "(descriptive, not causal)")
        return "\n".join(parts)

    def __repr__(self) -> str:
        return f"SpendingResult({self.label!r}, councils={self.analysis.codes.size})"

    def _repr_html_(self) -> str:
        return _html_block(self.label, self.summary(), self.version)
