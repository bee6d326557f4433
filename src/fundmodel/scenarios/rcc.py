"""Regional Care Co-operative pooling: membership, pooled budgets against actual spend.

The Care Review (recommendation 5.2) proposed about 20 Regional Care Co-operatives (RCCs)
that would commission all children's placements for their member councils. Children
England's objection is arithmetic: councils would pool their *designated placement
budgets*, but most councils overspend those budgets every year, so a pool of budgets has
less spending power than councils actually spend. Supporters answer that scale brings
lower prices. This module costs both claims per RCC and nationally.

For each council i with actual placement spend S_i (Section 251 looked-after children
outturn, ``s251_lac_2024_25``) and an overspend rate r:

* designated budget (what it puts in): B_i = S_i / (1 + r)  (or a budget column);
* the pool pays its children's placements at pool prices: C_i = S_i x (1 - s), where
  s is the price reduction from scale (default 0: "not evidenced");
* pool balance per RCC: sum B - sum C (negative = the spending-power shortfall);
* the balance is settled by the members in proportion to a stated rule (spend,
  contribution or any data column): top-ups when short, refunds when in surplus;
* cross-subsidy_i = C_i - B_i - settlement_i: what the pool paid for council i's
  children beyond what council i paid in. It sums to zero in every RCC, to the penny.

All money is whole pence: each RCC's contributions, payments and settlements are rounded
by largest remainder so each adds up exactly to the RCC's rounded total (ties to the lower
ONS code). Councils outside any RCC ("standalone") commission as now.

>>> import pandas as pd
>>> from fundmodel import authorities_from_frame
>>> la = authorities_from_frame(pd.DataFrame({
...     "code": ["E06000001", "E06000002", "E06000003"], "name": ["A", "B", "C"],
...     "region": "North East", "council_type": "unitary",
...     "s251_lac_2024_25": [114_200, 228_400, 57_100]}))
>>> scenario = RCCScenario(
...     header={"title": "Two-council pool", "assumes": "14.2% overspend, no savings"},
...     membership={"members": {"E06000001": "North", "E06000002": "North",
...                             "E06000003": "standalone"}})
>>> res = scenario.run(la)
>>> res.rcc_frame()[["rcc", "pooled_budget", "member_spend", "shortfall"]].to_dict("records")
[{'rcc': 'North', 'pooled_budget': 300000.0, 'member_spend': 342600.0, 'shortfall': 42600.0}]
>>> round(res.break_even_savings(), 4)  # 0.142 / 1.142
0.1243
"""

from __future__ import annotations

import datetime as dt
import html
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal

import numpy as np
import pandas as pd
from pydantic import ConfigDict, Field, field_validator, model_validator

from fundmodel import __version__
from fundmodel._types import BoolArray, FloatArray, IntArray
from fundmodel.codes import CODE_PATTERN
from fundmodel.errors import DataError, ScenarioError
from fundmodel.model import FrozenModel
from fundmodel.money import format_gbp
from fundmodel.scenarios.base import Scenario, ScenarioHeader
from fundmodel.sources import Parameter, Source, Unit, as_parameter

if TYPE_CHECKING:
    from fundmodel.authorities import Authorities

REVIEWED = dt.date(2026, 12, 1)

STANDALONE = "standalone"
"""RCC name meaning "not pooled": the council stays its own commissioning body."""

LGA_OVERSPEND = Source(
    title="Councils' children's social care overspends (LGA analysis, reported November 2025)",
    publisher="Local Government Association",
    year=2025,
    url="https://www.local.gov.uk/",
    quote=(
        "councils overspent children's social care budgets by 14.2% a year on average "
        "over 2022-23 to 2024-25"
    ),
)
LGA_PLACEMENTS_SURVEY = Source(
    title="High-cost placements survey (124 councils)",
    publisher="Local Government Association",
    year=2024,
    url="https://www.local.gov.uk/",
    quote=(
        "placements spend £4.7bn against a £4.1bn budget in 2022-23 (about £670m, 16% over); "
        "£5.4bn against £4.7bn in 2023-24 (about £680m, 14% over)"
    ),
)
NAO_PRESSURES_2019 = Source(
    title="Pressures on children's social care",
    publisher="National Audit Office (via the Public Accounts Committee)",
    year=2019,
    quote="£4.2bn expected on children in care in 2018-19, £350m (9.1%) over 2017-18 budget",
)
CHILDREN_ENGLAND_RESPONSE = Source(
    title="Response to the Independent Review of Children's Social Care (seed document)",
    publisher="Children England",
    year=2022,
    url="https://www.childrenengland.org.uk/",
    quote=(
        "councils would pool only designated care budgets, yet most overspend every year; "
        "scale savings not evidenced"
    ),
)

LGA_OVERSPEND_2022_25 = Parameter(
    value=0.142,
    unit=Unit.RATIO,
    label="Average annual overspend of children's social care budgets, 2022-23 to 2024-25",
    source=LGA_OVERSPEND,
    note=(
        "Default overspend r: designated placement budget = placement outturn / (1 + r). "
        "A service-wide average applied to placements; alternatives kept in "
        "OVERSPEND_ALTERNATIVES (LGA placements survey 16% and 14%, NAO 9.1%)."
    ),
    reviewed=REVIEWED,
)
LGA_PLACEMENTS_2022_23 = Parameter(
    value=0.16,
    unit=Unit.RATIO,
    label="Placements overspend 2022-23 (LGA high-cost placements survey)",
    source=LGA_PLACEMENTS_SURVEY,
    note="Alternative to the default. £670m over a £4.1bn budget is 16.3%; the LGA says 16%.",
    reviewed=REVIEWED,
)
LGA_PLACEMENTS_2023_24 = Parameter(
    value=0.14,
    unit=Unit.RATIO,
    label="Placements overspend 2023-24 (LGA high-cost placements survey)",
    source=LGA_PLACEMENTS_SURVEY,
    note="Alternative to the default. £680m over a £4.7bn budget is 14.5%; the LGA says 14%.",
    reviewed=REVIEWED,
)
NAO_CHILDREN_IN_CARE_2018_19 = Parameter(
    value=0.091,
    unit=Unit.RATIO,
    label="Children in care spend over budget, 2018-19 (NAO)",
    source=NAO_PRESSURES_2019,
    note="Alternative, older and lower: £350m over the 2017-18 budget (9.1%).",
    reviewed=REVIEWED,
)
OVERSPEND_ALTERNATIVES: tuple[Parameter, ...] = (
    LGA_OVERSPEND_2022_25,
    LGA_PLACEMENTS_2022_23,
    LGA_PLACEMENTS_2023_24,
    NAO_CHILDREN_IN_CARE_2018_19,
)
"""Published overspend rates; the default (first) is the LGA's 14.2% 3-year average."""

SCALE_SAVINGS_NOT_EVIDENCED = Parameter(
    value=0.0,
    unit=Unit.RATIO,
    label="Price reduction from commissioning at scale",
    source=CHILDREN_ENGLAND_RESPONSE,
    note=(
        "ASSUMPTION: 0 by default because scale savings are not evidenced (Children England; "
        "the Care Review asserts but does not cost them). Use RCCResult.savings_sweep to see "
        "what saving would be needed to break even."
    ),
    reviewed=REVIEWED,
    assumption=True,
)

RCC_PARAMETERS: tuple[Parameter, ...] = (*OVERSPEND_ALTERNATIVES, SCALE_SAVINGS_NOT_EVIDENCED)
"""Every parameter record this module ships (for the convention tests)."""

SHARE_RULES = ("spend", "contribution")
"""Built-in rules for sharing a pool's shortfall or surplus; any numeric column also works."""


class Membership(FrozenModel):
    """Which RCC each council belongs to: ``members`` maps ONS code -> RCC name.

    The RCC name ``"standalone"`` means the council is not pooled. ``others="standalone"``
    leaves every council not listed standalone; with the default ``others="error"`` a
    council left out is an error naming it. ``rccs`` (RCC name -> list of codes) is an
    alternative way to write the same mapping; a code listed twice is an error.

    >>> m = Membership(rccs={"North": ["E06000001", "E06000002"], "South": ["E06000003"]})
    >>> m.members["E06000002"], m.rcc_names()
    ('North', ('North', 'South'))
    >>> Membership(rccs={"North": ["E06000001"], "South": ["E06000001"]})
    Traceback (most recent call last):
    ...
    fundmodel.errors.InvalidInputError: Membership, ... given twice: E06000001 (North, South)...
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    name: str = Field(default="custom membership", min_length=1)
    members: dict[str, str] = Field(default_factory=dict)
    others: Literal["error", "standalone"] = "error"
    source: Source | None = None
    note: str = ""
    assumption: bool = False

    @model_validator(mode="before")
    @classmethod
    def _groups_form(cls, data: Any) -> Any:
        if not isinstance(data, dict) or "rccs" not in data:
            return data
        data = dict(data)
        groups = data.pop("rccs")
        if not isinstance(groups, dict):
            raise ValueError("rccs must map RCC name -> list of council codes")
        seen: dict[str, list[str]] = {}
        for code, rcc in (data.get("members") or {}).items():
            seen.setdefault(str(code), []).append(str(rcc))
        for rcc, codes in groups.items():
            if isinstance(codes, str) or not isinstance(codes, list | tuple):
                raise ValueError(f"rccs[{rcc!r}] must be a list of council codes, got {codes!r}")
            for code in codes:
                seen.setdefault(str(code), []).append(str(rcc))
        twice = {c: r for c, r in seen.items() if len(r) > 1}
        if twice:
            listed = "; ".join(f"{c} ({', '.join(r)})" for c, r in sorted(twice.items()))
            raise ValueError(f"council code(s) given twice: {listed}")
        data["members"] = {c: r[0] for c, r in seen.items()}
        return data

    @field_validator("members")
    @classmethod
    def _valid_codes(cls, members: dict[str, str]) -> dict[str, str]:
        bad = sorted(c for c in members if not CODE_PATTERN.match(c))
        if bad:
            raise ValueError(
                f"not English upper-tier ONS codes (E06, E08, E09 or E10 + 6 digits): {bad}"
            )
        blank = sorted(c for c, r in members.items() if not r.strip())
        if blank:
            raise ValueError(f"empty RCC name for council code(s) {blank}")
        return members

    def rcc_names(self) -> tuple[str, ...]:
        """The RCCs, in order of first appearance (``"standalone"`` is not an RCC)."""
        return tuple(dict.fromkeys(r for r in self.members.values() if r != STANDALONE))

    def resolve(self, authorities: Authorities) -> IntArray:
        """Each council's RCC index into :meth:`rcc_names` (-1 = standalone), row order.

        Raises :class:`ScenarioError` naming unknown codes and councils left out.
        """
        known = set(authorities.codes.tolist())
        unknown = sorted(set(self.members) - known)
        if unknown:
            raise ScenarioError(
                f"membership {self.name!r}: unknown council code(s) {unknown} "
                f"(not in {authorities.source})"
            )
        listed = np.isin(authorities.codes, list(self.members))
        if self.others == "error" and not listed.all():
            left = [f"{c} {n}" for c, n in zip(authorities.codes[~listed],
                                                 authorities.names[~listed], strict=True)]
            raise ScenarioError(
                f"membership {self.name!r} leaves out {len(left)} council(s): "
                f"{'; '.join(left)}. Assign each to an RCC (or 'standalone'), or set "
                "others: standalone"
            )
        index = {r: k for k, r in enumerate(self.rcc_names())}
        index[STANDALONE] = -1
        return np.array(
            [index[self.members.get(c, STANDALONE)] for c in authorities.codes.tolist()],
            dtype=np.int64,
        )


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
        from fundmodel.presets.rcc_membership import PRESET_NAMES

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
            return {k: as_parameter(v, f"placement spend for {k}", Unit.GBP)
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
        from fundmodel.presets.rcc_membership import membership_preset

        return membership_preset(self.membership, authorities)

    def run(self, authorities: Authorities | None = None) -> RCCResult:
        """Pool, pay and settle on ``authorities`` (the embedded data by default)."""
        from fundmodel.authorities import load_authorities

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
        f"placement spend {scenario.spend_column!r} is missing for {int(missing.sum())} "
        f"council(s): {listed}. Supply values (spend_values: {{code: pounds}}) or set "
        "missing_spend: exclude to leave them out and report them"
    )


def round_in_groups(
    pence: FloatArray,
    group: IntArray,
    n_groups: int,
    tiebreak: IntArray,
    totals: IntArray | None = None,
) -> IntArray:
    """Round non-negative pence to whole pence group by group, by largest remainder.

    Councils with ``group < 0`` get 0. Each group's pence add up exactly to ``totals[g]``
    (default: its rounded sum); ties in the remainder go to the lower ``tiebreak``.

    >>> round_in_groups(np.array([50.5, 49.5, 10.4, 10.4, 3.0]), np.array([0, 0, 1, 1, -1]),
    ...                 2, np.arange(5))
    array([51, 49, 11, 10,  0])
    """
    out = np.zeros(pence.size, dtype=np.int64)
    mask = group >= 0
    x, g, t = pence[mask], group[mask], tiebreak[mask]
    if totals is None:
        totals = np.rint(np.bincount(g, weights=x, minlength=n_groups)).astype(np.int64)
    floors = np.floor(x)
    owed = totals - np.rint(np.bincount(g, weights=floors, minlength=n_groups)).astype(np.int64)
    sizes = np.bincount(g, minlength=n_groups)
    if np.any(owed < 0) or np.any(owed > sizes):
        raise ScenarioError("internal rounding error: group totals differ from their parts")
    order = np.lexsort((t, -(x - floors), g))
    sorted_g = g[order]
    starts = np.searchsorted(sorted_g, np.arange(n_groups))
    position = np.arange(x.size) - starts[sorted_g]
    extra = np.zeros(x.size, dtype=np.int64)
    extra[order] = (position < owed[sorted_g]).astype(np.int64)
    out[mask] = floors.astype(np.int64) + extra
    return out


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
    spend_pounds, origin = _spend(scenario, la)
    missing = np.isnan(spend_pounds)
    if missing.any() and scenario.missing_spend == "error":
        raise DataError(_missing_spend_error(scenario, la, missing))
    included = ~missing
    spend = np.where(included, np.rint(np.nan_to_num(spend_pounds) * 100.0), 0).astype(np.int64)
    members = included & (group >= 0)
    n_rcc = len(names)
    rank = la.code_rank()

    # buyers after pooling: each RCC, then each standalone council on its own
    standalone = included & (group < 0)
    buyer = np.where(members, group, -1)
    buyer[standalone] = n_rcc + np.arange(int(standalone.sum()))
    n_buyers = n_rcc + int(standalone.sum())

    if scenario.budget_column is None:
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
    )


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

    # ---- derived per-council arrays -------------------------------------------------
    @property
    def label(self) -> str:
        """Short name for tables and comparisons (the scenario title)."""
        return self.scenario.header.title

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
        return pd.DataFrame({
            "code": la.codes[out], "name": la.names[out],
            "reason": [la.missing_reason(col, str(c)) for c in la.codes[out]],
        })

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
        status = np.where(~self.included, "excluded (no spend figure)",
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
        })

    def rcc_frame(self) -> pd.DataFrame:
        """One row per RCC: members, pooled budget, member spend, pool cost at pool prices,
        shortfall (cost - budget; negative = surplus), break-even price reduction, share of
        national placement spend (pounds)."""
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
        """Pounds per council indexed by ONS code (for :func:`fundmodel.compare.compare`):
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
        lines = [
            f"{self.label}: {self.membership.name}",
            f"  {len(self.rcc_names)} RCC(s) pooling {pooled} councils; "
            f"{standalone} standalone",
        ]
        if (~self.included).any():
            ex = self.excluded
            lines.append(f"  excluded (no spend figure): {', '.join(ex['name'])}")
        if sc.budget_column is None:
            lines.append(
                f"  designated budgets = spend / (1 + {sc.overspend:.1%}) "
                f"[{sc.overspend_rate.source.cite()}]"
            )
        else:
            lines.append(f"  designated budgets from column {sc.budget_column!r}")
        if pooled:
            pct = 100.0 * n["spending_power_shortfall"] / n["member_spend"]
            lines += [
                f"  pooled budgets {_gbp(n['pooled_budget'])} vs members' actual placement "
                f"spend {_gbp(n['member_spend'])}: spending-power shortfall "
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


def _demo_result() -> RCCResult:
    """Two councils (spend £40,000 and £60,000) pooled in one RCC "Demo", for doctests."""
    from fundmodel.authorities import authorities_from_frame

    la = authorities_from_frame(pd.DataFrame({
        "code": ["E06000001", "E06000002"], "name": ["A", "B"],
        "region": "North East", "council_type": "unitary",
        "s251_lac_2024_25": [40_000.0, 60_000.0],
    }))
    scenario = RCCScenario(header=ScenarioHeader(title="Demo pool", assumes="14.2% overspend"),
                           membership=Membership.model_validate({"rccs": {"Demo": list(la.codes)}}))
    return scenario.run(la)


__all__ = [
    "LGA_OVERSPEND_2022_25",
    "OVERSPEND_ALTERNATIVES",
    "RCC_PARAMETERS",
    "SCALE_SAVINGS_NOT_EVIDENCED",
    "STANDALONE",
    "Membership",
    "RCCResult",
    "RCCScenario",
    "hhi",
    "pool",
    "round_in_groups",
]
