"""Unit costs built from the standards, and each duty's cost: numpy over draws x councils.

Every function takes ``v``, a mapping from standard name to an array of shape (draws, 1)
(one value per draw, broadcast over councils), and the per-council inputs; it returns
arrays of shape (draws, councils). Prices recorded in another year are uprated to 2024-25.

cost of a case-holding social worker FTE (council i):
    salary x uprate x (1 + on-costs) x (1 + agency_rate_i x agency premium) x (1 + overheads)
social work     = children in need_i / cases per worker x staff per case holder x FTE cost_i
looked after    = children looked after_i x weekly cost_i x weeks
    weekly cost_i = foster_i x ((1 - ifa) x in-house + ifa x IFA) + residential_i x home x
                    ratio + (1 - foster_i - residential_i) x community
family help     = Family Help children x CIN share_i x cost per family / years / children per family
care leavers    = looked after_i x care leavers 17-21 / England looked after 2021 x take-up x cost
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np

from fundmodel._types import FloatArray
from fundmodel.analysis.cost_of_duties.inputs import DutyInputs

DUTIES: tuple[str, ...] = ("social_work", "looked_after", "family_help", "care_leavers")
"""The costed duties, in table order."""

DUTY_LABELS: dict[str, str] = {
    "social_work": "Social work for children in need and on protection plans",
    "looked_after": "Placements for children looked after",
    "family_help": "Family Help below the statutory threshold",
    "care_leavers": "Staying Put / Staying Close to 23",
}
"""Plain-words names of the duties."""

CASELOAD_UNITS: dict[str, str] = {
    "social_work": "children in need at 31 March 2025",
    "looked_after": "children looked after at 31 March 2025",
    "family_help": "children helped (Care Review half a million, by CIN share)",
    "care_leavers": "young people aged 18-22 staying put or close",
}

Values = Mapping[str, FloatArray]


def social_worker_fte_cost(v: Values, d: DutyInputs) -> FloatArray:
    """Yearly cost of one social worker FTE at each council's own agency rate, pounds."""
    salary = v["social_worker_salary"] * d.uprate["social_worker_salary"]
    out: FloatArray = (salary * (1 + v["salary_on_costs"])
                       * (1 + d.agency_rate[None, :] * v["agency_premium"])
                       * (1 + v["management_overheads"]))
    return out


def placement_weekly_cost(v: Values, d: DutyInputs) -> FloatArray:
    """Average weekly cost of a placement at each council's placement mix, pounds."""
    inhouse = v["inhouse_fostering_weekly_cost"] * d.uprate["inhouse_fostering_weekly_cost"]
    ifa = v["ifa_weekly_price"] * d.uprate["ifa_weekly_price"]
    home = v["childrens_home_weekly_price"] * d.uprate["childrens_home_weekly_price"]
    share = v["ifa_share_of_fostering"]
    foster, residential = d.mix_foster[None, :], d.mix_residential[None, :]
    out: FloatArray = (foster * ((1 - share) * inhouse + share * ifa)
                       + residential * home * v["residential_price_ratio"]
                       + (1 - foster - residential) * v["community_placement_weekly_cost"])
    return out


def caseloads(v: Values, d: DutyInputs) -> dict[str, FloatArray]:
    """Each duty's caseload per council (draws x councils)."""
    cin_share = d.cin / np.nansum(d.cin)
    leavers_per_cla = v["care_leavers_17_to_21"] / d.cla_england_2021
    shape = np.broadcast_shapes(v["cases_per_social_worker"].shape, (1, d.cin.size))
    return {
        "social_work": np.broadcast_to(d.cin[None, :], shape),
        "looked_after": np.broadcast_to(d.cla[None, :], shape),
        "family_help": v["family_help_children"] * cin_share[None, :],
        "care_leavers": d.cla[None, :] * leavers_per_cla * v["staying_close_take_up"],
    }


def unit_costs(v: Values, d: DutyInputs) -> dict[str, FloatArray]:
    """Each duty's cost per unit of caseload per year, pounds (draws x councils)."""
    per_child_sw = (social_worker_fte_cost(v, d) * d.staff_per_case_holder
                    / v["cases_per_social_worker"])
    per_family = (v["family_support_cost_per_family"]
                  * d.uprate["family_support_cost_per_family"] / v["family_support_years"])
    n = d.cin.size
    return {
        "social_work": per_child_sw,
        "looked_after": placement_weekly_cost(v, d) * v["weeks_per_year"],
        "family_help": np.broadcast_to(per_family / v["children_per_family_helped"],
                                       (*per_child_sw.shape[:1], n)),
        "care_leavers": np.broadcast_to(v["staying_close_cost_per_young_person"],
                                        (*per_child_sw.shape[:1], n)),
    }


def duty_costs(v: Values, d: DutyInputs) -> dict[str, FloatArray]:
    """Each duty's cost per council per year, pounds: caseload x unit cost."""
    loads, units = caseloads(v, d), unit_costs(v, d)
    return {k: loads[k] * units[k] for k in DUTIES}
