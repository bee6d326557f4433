"""The standards that price each duty: every one a sourced record of
``parameters/cost_of_duties.yaml`` with its plausible range.

A standard is changed by copy (:meth:`DutyStandards.updated`); a changed value is recorded as
user-supplied (an assumption) and keeps the shipped range only if it still lies within it.

>>> s = default_standards()
>>> s["cases_per_social_worker"].value
15.0
>>> s.updated({"cases_per_social_worker": 12})["cases_per_social_worker"].source.publisher
'user'
>>> sorted(PRICE_YEARS)[:2]
['childrens_home_weekly_price', 'family_support_cost_per_family']
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping

import numpy as np

from fundmodel._types import FloatArray
from fundmodel.errors import FormulaError
from fundmodel.parameters import Parameter, shipped
from fundmodel.parameters.records import USER_SUPPLIED

TOPIC = "cost_of_duties"
"""The parameter file (``cost_of_duties.yaml``) the standards come from."""

STANDARD_NAMES: tuple[str, ...] = (
    "cases_per_social_worker", "social_worker_salary", "salary_on_costs", "agency_premium",
    "management_overheads", "childrens_home_weekly_price", "ifa_weekly_price",
    "inhouse_fostering_weekly_cost", "ifa_share_of_fostering", "residential_price_ratio",
    "community_placement_weekly_cost", "weeks_per_year", "family_help_children",
    "family_support_cost_per_family", "family_support_years", "children_per_family_helped",
    "care_leavers_17_to_21", "staying_close_take_up", "staying_close_cost_per_young_person",
)
"""Every input of the costing, in the order of the draw matrix's columns."""

REFERENCE_NAMES: tuple[str, ...] = ("staying_put_grant_2025_26",)
"""Records shown beside the result (today's funding), not used in the cost."""

PRICE_YEARS: dict[str, str] = {
    "social_worker_salary": "2017-18",
    "childrens_home_weekly_price": "2020-21",
    "ifa_weekly_price": "2020-21",
    "inhouse_fostering_weekly_cost": "2016-17",
    "family_support_cost_per_family": "2011-12",
}
"""Prices recorded in another year's prices, uprated to 2024-25 by the GDP deflator."""

PRICE_BASE = "2024-25"
"""The price base of every cost (the year of the spend it is compared with)."""

_POSITIVE = frozenset({"cases_per_social_worker", "weeks_per_year", "family_support_years",
                       "children_per_family_helped"})


class DutyStandards(Mapping[str, Parameter]):
    """The named standards (read-only). Every name in :data:`STANDARD_NAMES` is required."""

    def __init__(self, records: Mapping[str, Parameter]) -> None:
        missing = [n for n in (*STANDARD_NAMES, *REFERENCE_NAMES) if n not in records]
        if missing:
            raise FormulaError(f"cost of duties: standards missing {missing}")
        for name in STANDARD_NAMES:
            p = records[name]
            if p.value < 0 or (name in _POSITIVE and p.value <= 0):
                raise FormulaError(
                    f"cost of duties: standard {name} must be "
                    f"{'above zero' if name in _POSITIVE else 'non-negative'}, got {p.value:g}")
            if name.endswith(("_share_of_fostering", "_take_up")) and p.value > 1:
                raise FormulaError(f"cost of duties: {name} is a share, got {p.value:g} (> 1)")
        self._records = {n: records[n] for n in (*STANDARD_NAMES, *REFERENCE_NAMES)}

    def __getitem__(self, name: str) -> Parameter:
        try:
            return self._records[name]
        except KeyError:
            raise KeyError(f"no standard {name!r}; standards: {sorted(self._records)}") from None

    def __iter__(self) -> Iterator[str]:
        return iter(self._records)

    def __len__(self) -> int:
        return len(self._records)

    def central(self) -> FloatArray:
        """The central value of every input, in :data:`STANDARD_NAMES` order."""
        return np.array([self._records[n].value for n in STANDARD_NAMES], dtype=np.float64)

    def uncertain(self) -> list[str]:
        """Inputs with a range (low < high): the ones the interval and drivers vary."""
        return [n for n in STANDARD_NAMES if (p := self._records[n]).low is not None
                and p.high is not None and p.low < p.high]

    def updated(self, changes: Mapping[str, float | Parameter]) -> DutyStandards:
        """A copy with some standards replaced. A bare number is recorded as user-supplied
        (an assumption); it keeps the shipped range only if the range still contains it. A value
        equal to the current one changes nothing (the record keeps its source)."""
        unknown = sorted(set(changes) - set(self._records))
        if unknown:
            raise FormulaError(f"cost of duties: unknown standards {unknown}; "
                               f"known: {sorted(self._records)}")
        records = dict(self._records)
        for name, change in changes.items():
            if isinstance(change, Parameter):
                records[name] = change
                continue
            old = records[name]
            value = float(change)
            if value == old.value:  # restating the shipped value keeps its source
                continue
            keep = old.low is not None and old.high is not None and old.low <= value <= old.high
            records[name] = Parameter(
                value=value, unit=old.unit, label=old.label, source=USER_SUPPLIED,
                note=f"changed by the user from {old.value:g} ({old.ref or old.source.cite()})",
                reviewed=old.reviewed, assumption=True,
                low=old.low if keep else value, high=old.high if keep else value,
                ref=f"user override of {old.ref}")
        return DutyStandards(records)

    def cite(self) -> list[str]:
        """One line per standard: record, value, unit, source (for footnotes and manifests)."""
        return [f"{n} = {p.value:g} {p.unit.value}: {p.cite()}"
                + (" [assumption]" if p.assumption else "") for n, p in self._records.items()]


def default_standards() -> DutyStandards:
    """The shipped standards (``cost_of_duties.yaml``)."""
    return DutyStandards(shipped(TOPIC))
