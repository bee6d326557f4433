"""``kind: rcc``: the scenario model, its sourced overspend parameters, and the pooling
computation (:func:`pool`)."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any, Literal

import numpy as np
import pandas as pd
from pydantic import Field, field_validator, model_validator

from fundmodel._types import BoolArray, FloatArray, IntArray
from fundmodel.data.codes import CODE_PATTERN
from fundmodel.engine.money import format_gbp, pence_in_range
from fundmodel.errors import DataError, ScenarioError
from fundmodel.parameters import shipped
from fundmodel.parameters.records import Parameter, Unit, as_parameter
from fundmodel.scenarios.base import InputPath, Scenario, ScenarioHeader

if TYPE_CHECKING:
    from fundmodel.data.authorities import Authorities
from fundmodel.scenarios.rcc.membership import Membership
from fundmodel.scenarios.rcc.result import RCCResult
from fundmodel.scenarios.rcc.rounding import round_in_groups

REVIEWED = dt.date(2026, 12, 1)


_RECORDS = shipped("rcc")
"""This module's parameter records: ``fundmodel/parameters/rcc.yaml``."""


RCC_PARAMETERS: tuple[Parameter, ...] = tuple(_RECORDS.values())
"""Every record of ``rcc.yaml``."""


LGA_OVERSPEND_2022_25 = shipped("overspend")["lga_average_overspend"]
"""The LGA's 14.2% (one record: ``overspend.yaml#lga_average_overspend``). A service-wide
average; applied to looked-after children's spend (``budget_source: assumed``) it is an
ASSUMPTION (the record is flagged ``assumption: true``)."""


LGA_PLACEMENTS_2022_23 = _RECORDS["lga_placements_2022_23"]


LGA_PLACEMENTS_2023_24 = _RECORDS["lga_placements_2023_24"]


NAO_CHILDREN_IN_CARE_2018_19 = _RECORDS["nao_children_in_care_2018_19"]


OVERSPEND_ALTERNATIVES: tuple[Parameter, ...] = (
    LGA_OVERSPEND_2022_25,
    LGA_PLACEMENTS_2022_23,
    LGA_PLACEMENTS_2023_24,
    NAO_CHILDREN_IN_CARE_2018_19,
)
"""Published overspend rates; the default (first) is the LGA's 14.2% 3-year average."""


SCALE_SAVINGS_NOT_EVIDENCED = _RECORDS["scale_savings_not_evidenced"]


MAX_PLAUSIBLE_OVERSPEND = 5.0
"""Largest overspend rate accepted (500% of budget): a bare number is a RATIO, so ``14.2``
(meant as 14.2%) would be 1,420% and is refused rather than used."""


SHARE_RULES = ("spend", "contribution")
"""Built-in rules for sharing a pool's shortfall or surplus; any numeric column also works."""


def _ratio(value: Any, label: str) -> Any:
    return as_parameter(value, label, Unit.RATIO)


def _as_ratio(p: Parameter) -> float:
    if p.unit == Unit.RATIO:
        return p.value
    if p.unit == Unit.PERCENT:
        return p.value / 100.0
    raise ValueError(f"parameter {p.label!r} must be a RATIO or PERCENT, got {p.unit}")


class RCCScenario(Scenario):
    """Pool councils' designated placement budgets into RCCs and compare with actual spend.

    ``budget_source``: ``data`` (default) pools each council's real children-looked-after
    budget (RA line 313 for ``period``, or your budget file ``budgets``: ``code,period,line,
    budget``) and the pool pays the RO3 looked-after outturn of the same year; a council
    lacking either figure is excluded and named. ``assumed`` keeps the earlier model below
    (budgets inferred from spend by an overspend rate: an assumption, labelled).

    ``membership``: a :class:`Membership` or a built-in name (``rcc20``, ``regions``,
    ``pathfinders``, ``standalone``). ``overspend_rate`` (r) turns actual spend into the
    designated budget, spend / (1 + r), unless ``budget_column`` gives budgets directly.
    ``scale_savings`` (s) is the price reduction the pool achieves. ``share_shortfall_by``
    says how a pool's shortfall or surplus is shared among its members: ``spend``,
    ``contribution`` or a numeric column of the data (e.g. ``cla_count_2025``).
    Missing spend is an error unless ``missing_spend: exclude`` (the excluded councils are
    reported) or a value is supplied in ``spend_values`` (pounds, by ONS code).
    """

    kind: Literal["rcc"] = "rcc"
    budget_source: Literal["data", "assumed"] = "data"
    period: str = Field(default="2023-24", pattern=r"^\d{4}-\d{2}$")
    budgets: InputPath | None = None
    membership: Membership | str = "rcc20"
    overspend_rate: Parameter = LGA_OVERSPEND_2022_25
    scale_savings: Parameter = SCALE_SAVINGS_NOT_EVIDENCED
    share_shortfall_by: str = Field(default="spend", min_length=1)
    spend_column: str = Field(default="s251_lac_2024_25", min_length=1)
    budget_column: str | None = None
    missing_spend: Literal["error", "exclude"] = "error"
    spend_values: dict[str, Parameter] = Field(default_factory=dict)

    @field_validator("membership")
    @classmethod
    def _known_preset(cls, value: Membership | str) -> Membership | str:
        from fundmodel.scenarios.rcc.builtin import PRESET_NAMES

        if isinstance(value, str) and value not in PRESET_NAMES:
            raise ValueError(f"unknown membership {value!r}; built-in: {', '.join(PRESET_NAMES)}")
        return value

    @field_validator("overspend_rate", mode="before")
    @classmethod
    def _overspend_parameter(cls, value: Any) -> Any:
        return _ratio(value, "overspend rate")

    @field_validator("scale_savings", mode="before")
    @classmethod
    def _savings_parameter(cls, value: Any) -> Any:
        return _ratio(value, "price reduction from scale")

    @field_validator("overspend_rate")
    @classmethod
    def _overspend_range(cls, value: Parameter) -> Parameter:
        if not _as_ratio(value) > -1.0:
            raise ValueError(f"overspend rate must be above -100%, got {value.value}")
        if _as_ratio(value) > MAX_PLAUSIBLE_OVERSPEND:
            shown = f"{value.value:g} {value.unit.value}"
            raise ValueError(
                f"overspend rate {shown} is {100 * _as_ratio(value):,.0f}% of budget, not "
                f"plausible (above {MAX_PLAUSIBLE_OVERSPEND:.0%}): a "
                "bare number here is a RATIO (0.142 for 14.2%); to give a percentage write "
                "{value: 14.2, unit: PERCENT, ...}")
        return value

    @field_validator("scale_savings")
    @classmethod
    def _savings_range(cls, value: Parameter) -> Parameter:
        if not -1.0 < _as_ratio(value) <= 1.0:
            raise ValueError(
                f"price reduction from scale must be above -100% and at most 100%, "
                f"got {value.value}"
            )
        return value

    @field_validator("spend_values", mode="before")
    @classmethod
    def _spend_parameters(cls, value: Any) -> Any:
        if isinstance(value, dict):
            return {k: as_parameter(v, f"looked-after spend for {k}", Unit.GBP)
                    for k, v in value.items()}
        return value

    @field_validator("spend_values")
    @classmethod
    def _spend_valid(cls, value: dict[str, Parameter]) -> dict[str, Parameter]:
        for code, p in value.items():
            if not CODE_PATTERN.match(code):
                raise ValueError(f"spend_values: {code!r} is not an upper-tier ONS code")
            if p.in_pounds() < 0:
                raise ValueError(f"spend_values: {code} is negative ({p.value})")
        return value

    @model_validator(mode="after")
    def _source_fields(self) -> RCCScenario:
        fields = type(self).model_fields
        assumed_only = sorted(name for name in ("overspend_rate", "spend_column",
                                                "budget_column", "spend_values", "missing_spend")
                              if getattr(self, name) != fields[name].get_default(
                                  call_default_factory=True))
        if self.budget_source == "data" and assumed_only:
            raise ValueError(
                f"{', '.join(assumed_only)} apply only with budget_source: assumed; "
                "with budget_source: data (the default) budgets and spend are the RA and RO3 "
                "figures for `period`, and councils lacking either are excluded and named")
        if self.budget_source == "assumed" and self.budgets is not None:
            raise ValueError("budgets (a budget file) applies only with budget_source: data")
        return self

    @property
    def overspend(self) -> float:
        """The overspend rate r as a ratio (0.142 for 14.2%)."""
        return _as_ratio(self.overspend_rate)

    @property
    def savings(self) -> float:
        """The price reduction s as a ratio."""
        return _as_ratio(self.scale_savings)

    def resolved_membership(self, authorities: Authorities) -> Membership:
        """The membership model (built-in names resolved against ``authorities``)."""
        if isinstance(self.membership, Membership):
            return self.membership
        from fundmodel.scenarios.rcc.builtin import membership_preset

        return membership_preset(self.membership, authorities)

    def run(self, authorities: Authorities | None = None) -> RCCResult:
        """Pool, pay and settle on ``authorities`` (the embedded data by default)."""
        from fundmodel.data.authorities import load_authorities

        la = authorities if authorities is not None else load_authorities()
        return pool(self, la)


def _spend(scenario: RCCScenario, la: Authorities) -> tuple[FloatArray, list[str]]:
    """Spend per council (pounds; NaN where missing) and where each value came from."""
    spend = np.array(la.column(scenario.spend_column), dtype=np.float64)
    origin = np.where(np.isnan(spend), "missing", "data").astype(object)
    position = {c: i for i, c in enumerate(la.codes.tolist())}
    unknown = sorted(set(scenario.spend_values) - set(position))
    if unknown:
        raise ScenarioError(f"spend_values: unknown council code(s) {unknown}")
    for code, p in scenario.spend_values.items():  # a handful of user values
        spend[position[code]] = p.in_pounds()
        origin[position[code]] = "user-supplied"
    return spend, [str(o) for o in origin]


def _missing_spend_error(scenario: RCCScenario, la: Authorities, missing: BoolArray) -> str:
    listed = "; ".join(
        f"{c} {n} ({la.missing_reason(scenario.spend_column, str(c))})"
        for c, n in zip(la.codes[missing], la.names[missing], strict=True)
    )
    return (
        f"looked-after spend {scenario.spend_column!r} is missing for {int(missing.sum())} "
        f"council(s): {listed}. Supply values (spend_values: {{code: pounds}}) or set "
        "missing_spend: exclude to leave them out and report them"
    )


def _share_weights(scenario: RCCScenario, la: Authorities, spend: IntArray,
                   contribution: IntArray, members: BoolArray) -> FloatArray:
    rule = scenario.share_shortfall_by
    if rule == "spend":
        return spend.astype(np.float64)
    if rule == "contribution":
        return contribution.astype(np.float64)
    if rule not in la.numeric_columns:
        raise ScenarioError(
            f"share_shortfall_by: {rule!r} is not 'spend', 'contribution' or a numeric column "
            f"of {la.source}"
        )
    weights = np.array(la.column(rule), dtype=np.float64)
    bad = members & np.isnan(weights)
    if bad.any():
        raise DataError(
            f"share_shortfall_by column {rule!r} is missing for pooled council(s): "
            + "; ".join(f"{c} {n}" for c, n in zip(la.codes[bad], la.names[bad], strict=True))
        )
    return np.where(members, weights, 0.0)


def pool(scenario: RCCScenario, la: Authorities) -> RCCResult:
    """Run an :class:`RCCScenario` on ``la`` (the work behind :meth:`RCCScenario.run`)."""
    membership = scenario.resolved_membership(la)
    group = membership.resolve(la)
    names = membership.rcc_names()
    real = None
    if scenario.budget_source == "data":
        from fundmodel.scenarios.rcc.real import real_budgets

        real = real_budgets(scenario.period, scenario.budgets, la)
        spend_pounds = real.spend
        origin = ["data" if r == "" else "missing" for r in real.reasons]
    else:
        spend_pounds, origin = _spend(scenario, la)
    missing = np.isnan(spend_pounds)
    if missing.any() and scenario.missing_spend == "error" and real is None:
        raise DataError(_missing_spend_error(scenario, la, missing))
    included = ~missing
    who = [f"{c} {n}" for c, n in zip(la.codes.tolist(), la.names.tolist(), strict=True)]
    negative = included & (spend_pounds < 0)
    if negative.any():
        i = int(np.flatnonzero(negative)[0])
        raise DataError(f"looked-after spend {scenario.spend_column!r} for {who[i]} is negative "
                        f"({spend_pounds[i]:,}); pooling needs spend of zero or more")
    spend = pence_in_range(np.where(included, np.nan_to_num(spend_pounds) * 100.0, 0.0),
                           "looked-after spend", who)
    members = included & (group >= 0)
    n_rcc = len(names)
    rank = la.code_rank()

    # buyers after pooling: each RCC, then each standalone council on its own
    standalone = included & (group < 0)
    buyer = np.where(members, group, -1)
    buyer[standalone] = n_rcc + np.arange(int(standalone.sum()))
    n_buyers = n_rcc + int(standalone.sum())

    if real is not None:
        budget_raw = np.where(included, np.rint(np.nan_to_num(real.budget) * 100.0), 0.0)
    elif scenario.budget_column is None:
        budget_raw = spend / (1.0 + scenario.overspend)
    else:
        budget_raw = np.array(la.column(scenario.budget_column), dtype=np.float64) * 100.0
        bad = included & np.isnan(budget_raw)
        if bad.any():
            raise DataError(
                f"budget_column {scenario.budget_column!r} is missing for council(s): "
                + "; ".join(f"{c} {n}" for c, n in zip(la.codes[bad], la.names[bad],
                                                       strict=True))
            )
        budget_raw = np.where(included, budget_raw, 0.0)
        if (budget_raw < 0).any():
            i = int(np.flatnonzero(budget_raw < 0)[0])
            raise DataError(f"budget_column {scenario.budget_column!r} for {who[i]} is negative "
                            f"({budget_raw[i] / 100:,}); budgets must be zero or more")
        pence_in_range(budget_raw, "placement budget", who)
    budget = round_in_groups(budget_raw, buyer, n_buyers, rank)
    contribution = np.where(members, budget, 0)
    pays = round_in_groups(np.where(members, spend * (1.0 - scenario.savings), 0.0),
                           np.where(members, group, -1), n_rcc, rank)

    balance = (np.bincount(group[members], weights=contribution[members], minlength=n_rcc)
               - np.bincount(group[members], weights=pays[members], minlength=n_rcc))
    balance_pence = np.rint(balance).astype(np.int64)
    weights = _share_weights(scenario, la, spend, contribution, members)
    weight_total = np.bincount(group[members], weights=weights[members], minlength=n_rcc)
    stuck = np.flatnonzero((weight_total <= 0) & (balance_pence != 0))
    if stuck.size:
        raise ScenarioError(
            f"RCC {names[int(stuck[0])]!r} has a balance of "
            f"{format_gbp(balance_pence[stuck[0]] / 100, '')} to share by "
            f"{scenario.share_shortfall_by!r}, but that is zero for all its members"
        )
    # index n_rcc is a dummy slot for councils outside every RCC (there may be no RCCs)
    safe_total = np.append(np.where(weight_total > 0, weight_total, 1.0), 1.0)
    owed = np.append(np.abs(balance_pence), 0)
    member_group = np.where(members, group, n_rcc)
    raw_share = weights / safe_total[member_group] * owed[member_group]
    share = round_in_groups(np.where(members, raw_share, 0.0), np.where(members, group, -1),
                            n_rcc, rank, totals=np.abs(balance_pence))
    settlement = -np.append(np.sign(balance_pence), 0)[member_group] * share

    return RCCResult(
        scenario=scenario,
        authorities=la,
        membership=membership,
        rcc_names=names,
        group=group,
        included=included,
        spend_origin=tuple(origin),
        spend_pence=spend,
        budget_pence=budget,
        contribution_pence=contribution.astype(np.int64),
        pays_pence=pays,
        settlement_pence=settlement.astype(np.int64),
        exclusion_reasons=real.reasons if real is not None else (),
        budget_origin=real.origin if real is not None else "",
        notes=real.notes if real is not None else (),
    )


def _demo_result() -> RCCResult:
    """Two councils (spend £40,000 and £60,000) pooled in one RCC "Demo", for doctests."""
    from fundmodel.data.authorities import authorities_from_frame

    la = authorities_from_frame(pd.DataFrame({
        "code": ["E06000001", "E06000002"], "name": ["Hartlepool", "Middlesbrough"],
        "region": "North East", "council_type": "unitary",
        "s251_lac_2024_25": [40_000.0, 60_000.0],
    }), require_all=False)
    scenario = RCCScenario(header=ScenarioHeader(title="Demo pool", assumes="14.2% overspend"),
                           budget_source="assumed",
                           membership=Membership.model_validate({"rccs": {"Demo": list(la.codes)}}))
    return scenario.run(la)
