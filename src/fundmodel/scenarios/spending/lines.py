"""The service lines of each spending dataset (s251, RO3) and the spending-balance parameter
records."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

import numpy as np
import numpy.typing as npt

from fundmodel.parameters import shipped
from fundmodel.parameters.records import Parameter

if TYPE_CHECKING:
    pass


REVIEWED = dt.date(2026, 12, 1)


ObjArray = npt.NDArray[np.object_]


_RECORDS = shipped("spending")
"""This module's parameter records: ``fundmodel/parameters/spending.yaml``."""


SPENDING_PARAMETERS: list[Parameter] = list(_RECORDS.values())
"""Every record of ``spending.yaml``."""


NAO_PREVENTIVE_SHARE_2010_11 = _RECORDS["nao_preventive_share_2010_11"]
"""The NAO's preventive share of children's services spend in 2010-11 (spending.yaml)."""


NAO_PREVENTIVE_SHARE_2017_18 = _RECORDS["nao_preventive_share_2017_18"]


PROMISE_PREVENTIVE_SHARE = _RECORDS["promise_preventive_share"]
"""The preventive share quoted by The Promise (spending.yaml)."""


WEBB_ELASTICITY_LOW = _RECORDS["webb_elasticity_low"]


WEBB_ELASTICITY_HIGH = _RECORDS["webb_elasticity_high"]


ELASTICITY_MIN_DEMAND_CHANGE = _RECORDS["elasticity_min_demand_change"]


Dataset = Literal["s251", "ro3", "s251_history"]
"""``s251``: LAIT section 251 lines 2016-17 to 2024-25 (gross); ``ro3``: RO3 net 2022-23 to
2024-25; ``s251_history``: section 251 gross 2008-09 to 2024-25, the DfE per-year tables
(``history.csv``) to 2015-16 joined to LAIT from 2016-17 (same seven lines; see
:mod:`fundmodel.scenarios.spending.history`). A later ``ro3_history`` plugs in the same way."""


LINE_DATASET: dict[str, str] = {"s251": "s251", "ro3": "ro3", "s251_history": "s251"}
"""Dataset -> the dataset whose service lines (and taxonomy mapping) it uses."""


Role = Literal["spend", "total", "component", "unit_cost"]


@dataclass(frozen=True)
class ServiceLine:
    """One service line of the embedded series: its dataset, label and role.

    Only ``spend`` lines can be mapped to categories: ``total`` lines reconcile them,
    ``component`` lines are parts of a mapped line (mapping both double counts), and
    ``unit_cost`` lines are not spend at all.
    """

    measure: str
    dataset: Dataset
    label: str
    role: Role
    note: str = ""


_ADOPTION_NOTE = ("LAIT's AdoptionFinance is a weekly unit cost in GBP per child per week, not "
                  "spend; adoption spend is already inside s251_lac")


SERVICE_LINES: dict[str, ServiceLine] = {
    line.measure: line for line in (
        ServiceLine("s251_lac", "s251", "Children looked after", "spend"),
        ServiceLine("s251_safeguarding", "s251", "Safeguarding children and young people",
                    "spend"),
        ServiceLine("s251_family_support", "s251", "Family support services", "spend"),
        ServiceLine("s251_other_children_family", "s251", "Other children's and family services",
                    "spend"),
        ServiceLine("s251_sure_start", "s251", "Sure Start children's centres and early years",
                    "spend"),
        ServiceLine("s251_young_people", "s251", "Services for young people", "spend"),
        ServiceLine("s251_youth_justice", "s251", "Youth justice", "spend"),
        ServiceLine("s251_cyps_total", "s251", "Children and young people's services total",
                    "total", "the sum of the seven s251 spend lines"),
        ServiceLine("s251_adoption", "s251", "Adoption (weekly unit cost)", "unit_cost",
                    _ADOPTION_NOTE),
        ServiceLine("ro3_lac_net", "ro3", "Children looked after (net)", "spend"),
        ServiceLine("ro3_safeguarding_net", "ro3", "Safeguarding (net)", "spend"),
        ServiceLine("ro3_family_support_net", "ro3", "Family support services (net)", "spend"),
        ServiceLine("ro3_other_children_family_net", "ro3",
                    "Other children and family services (net)", "spend"),
        ServiceLine("ro3_sure_start_net", "ro3", "Sure Start and early years (net)", "spend"),
        ServiceLine("ro3_young_people_net", "ro3", "Services for young people (net)", "spend"),
        ServiceLine("ro3_youth_justice_net", "ro3", "Youth justice (net)", "spend"),
        ServiceLine("ro3_asylum_seekers_net", "ro3", "Asylum seekers (net)", "spend"),
        ServiceLine("ro3_csc_net", "ro3", "Total children's social care (net)", "total",
                    "the sum of the eight RO3 spend lines"),
        *(ServiceLine(f"ro3_lac_{part}_net", "ro3", f"Children looked after: {part} (net)",
                      "component", "a part of ro3_lac_net")
          for part in ("fostering", "residential", "other", "uasc")),
    )
}
"""Every service line fundmodel knows, keyed by series measure."""


TOTAL_LINE: dict[str, str] = {"s251": "s251_cyps_total", "ro3": "ro3_csc_net",
                              "s251_history": "s251_cyps_total"}


RECONCILE_TOLERANCE: dict[str, float] = {"s251": 10.0, "ro3": 10_000.0, "s251_history": 10.0}
"""Largest difference (pounds) between the mapped lines and the published total that is
rounding: s251 is published to the pound (a few pounds over seven lines), RO3 in thousands
of pounds (up to £1,000 a line)."""


def dataset_lines(dataset: str, role: Role = "spend") -> tuple[str, ...]:
    """The service lines of ``dataset`` with ``role``.

    >>> dataset_lines("s251")[:2]
    ('s251_lac', 's251_safeguarding')
    """
    base = LINE_DATASET.get(dataset, dataset)
    return tuple(m for m, s in SERVICE_LINES.items() if s.dataset == base and s.role == role)
