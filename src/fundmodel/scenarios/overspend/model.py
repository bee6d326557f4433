"""``kind: overspend``: the scenario model and its sourced national figures."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Annotated, Literal

from pydantic import ConfigDict, Field

from fundmodel.core.model import FrozenModel
from fundmodel.parameters import shipped
from fundmodel.parameters.records import AnnualRate, Parameter, Unit, parameter_checks
from fundmodel.scenarios.base import InputPath, Scenario

if TYPE_CHECKING:
    from fundmodel.data.authorities import Authorities
    from fundmodel.scenarios.overspend.result import OverspendResult
from fundmodel.scenarios.overspend.inputs import _embedded, _result, read_budget_csv

REVIEWED = dt.date(2026, 12, 1)


_RECORDS = shipped("overspend")
"""This module's parameter records: ``fundmodel/parameters/overspend.yaml``."""


OVERSPEND_PARAMETERS: list[Parameter] = list(_RECORDS.values())
"""Every record of ``overspend.yaml``."""


LGA_AVERAGE_OVERSPEND = _RECORDS["lga_average_overspend"]


NAO_2017_18_SHARE_OVERSPENT = _RECORDS["nao_2017_18_share_overspent"]


NAO_2017_18_OVERSPEND = _RECORDS["nao_2017_18_overspend"]


LGA_BUDGET_GROWTH_2025_26 = _RECORDS["lga_budget_growth_2025_26"]


OverspendPercent = Annotated[Parameter, *parameter_checks(Unit.PERCENT, above=-100)]
"""An overspend as a PERCENT of budget (14.2 = 14.2%), above -100."""


class CsvBudgets(FrozenModel):
    """Budget and outturn from a user CSV (schema in the module docstring)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    source: Literal["csv"] = "csv"
    path: InputPath


class EmbeddedOutturn(FrozenModel):
    """Outturn from the embedded series; budgets ASSUMED from an overspend rate."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    source: Literal["embedded"] = "embedded"
    measure: str = Field(default="s251_cyps_total", min_length=1)
    periods: tuple[str, ...] = Field(default=(), description="default: every period")
    assumed_overspend_pct: OverspendPercent


class RevenueBudgets(FrozenModel):
    """Budgets by line (the embedded RA data, or a budget file ``code,period,line,budget``:
    :mod:`fundmodel.data.budgets`) against RO3 outturn on the same line: real overspends,
    ``budget_source=data``. A period without any budget is an error unless
    ``assumed_overspend_pct`` is given: then that period's budgets are ASSUMED
    (outturn / (1 + pct/100)), ``budget_source=assumed``, and named as such."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    source: Literal["budgets"] = "budgets"
    line: str = Field(default="csc", min_length=1, description="line key or RA line number")
    periods: tuple[str, ...] = ("2023-24",)
    path: InputPath | None = Field(default=None,
                                   description="your budget CSV; default the embedded RA data")
    assumed_overspend_pct: OverspendPercent | None = None


OverspendInput = Annotated[CsvBudgets | EmbeddedOutturn | RevenueBudgets,
                           Field(discriminator="source")]


class Projection(FrozenModel):
    """Project outturn and budget forward from the last period at stated annual rates."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    years: int = Field(ge=1, le=30)
    outturn_growth: AnnualRate
    budget_growth: AnnualRate


class OverspendScenario(Scenario):
    """Budget against outturn per council per year (see the module docstring)."""

    kind: Literal["overspend"] = "overspend"
    data: OverspendInput = Field(default_factory=RevenueBudgets)
    missing: Literal["error", "exclude"] = "error"
    funding_growth: AnnualRate | None = None
    projection: Projection | None = None

    def parameters(self) -> list[Parameter]:
        """Every Parameter the scenario uses."""
        found = []
        if isinstance(self.data, EmbeddedOutturn):
            found.append(self.data.assumed_overspend_pct)
        if isinstance(self.data, RevenueBudgets) and self.data.assumed_overspend_pct:
            found.append(self.data.assumed_overspend_pct)
        if self.funding_growth is not None:
            found.append(self.funding_growth)
        if self.projection is not None:
            found.extend([self.projection.outturn_growth, self.projection.budget_growth])
        return found

    def run(self, authorities: Authorities | None = None) -> OverspendResult:
        """Read the inputs and compute every measure (embedded authorities by default)."""
        from fundmodel.data.authorities import load_authorities

        la = authorities if authorities is not None else load_authorities()
        if isinstance(self.data, RevenueBudgets):
            from fundmodel.scenarios.overspend.revenue import revenue_inputs

            sub, periods, budget, outturn, origin, notes = revenue_inputs(self.data, la)
            return _result(self, sub, periods, budget, outturn, origin, notes)
        if isinstance(self.data, CsvBudgets):
            sub, periods, budget, outturn = read_budget_csv(self.data.path, la)
        else:
            sub, periods, budget, outturn = _embedded(self.data, la)
        return _result(self, sub, periods, budget, outturn)
