"""Children Act (Section 17) funding formula, after Children England's proposal.

Children England proposed 3-5 year, non-ring-fenced grants for councils' Section 17
duties, distributed on three factors: current and projected child population; disabled
children and young carers; and deprivation. **No weights were published.** The weights
here are fundmodel's assumption (the three factors equally, the population factor split
evenly between current and projected) and are labelled as such everywhere.

Two factors only have proxies in the embedded data:

* projected population: a trend extension of ONS mid-2019 to mid-2024 estimates to 2029
  (no ONS sub-national projection is embedded);
* disabled children and young carers: the rate of education, health and care (EHC)
  plans applied to the child population (no young carers figure by council is embedded).

Change the weights with :meth:`~fundmodel.formula.NeedsFormula.with_weights`:

>>> f = children_act_formula().with_weights(
...     {"population": 0.4, "projected_population": 0.1, "disability": 0.2,
...      "deprivation": 0.3})
>>> round(float(f.weight_vector().sum()), 12)
1.0
"""

from __future__ import annotations

import datetime as dt

import numpy as np

from fundmodel.absolute import Duty, DutyCostFormula
from fundmodel.authorities import Authorities
from fundmodel.formula import Indicator, NeedsFormula
from fundmodel.sources import Parameter, Source, Unit

REVIEWED = dt.date(2026, 12, 1)

CHILDREN_ENGLAND_CACFF = Source(
    title="Care Review ideas: the Children Act Funding Formula",
    publisher="Children England",
    year=2022,
    url="https://www.childrenengland.org.uk/",
    quote=(
        "based on three factors: current and projected child population; disabled "
        "children and young carers; deprivation indices"
    ),
)


def _weight(label: str, value: float, note: str) -> Parameter:
    return Parameter(
        value=value,
        unit=Unit.WEIGHT,
        label=label,
        source=CHILDREN_ENGLAND_CACFF,
        note="ASSUMPTION: Children England published the factors but no weights. " + note,
        reviewed=REVIEWED,
        assumption=True,
    )


CHILDREN_ACT_WEIGHTS: dict[str, Parameter] = {
    "population": _weight(
        "Children Act formula weight: current child population",
        1 / 6,
        "Half of the population factor's third.",
    ),
    "projected_population": _weight(
        "Children Act formula weight: projected child population",
        1 / 6,
        "Half of the population factor's third; the projection is a trend proxy.",
    ),
    "disability": _weight(
        "Children Act formula weight: disabled children and young carers",
        1 / 3,
        "One third; measured by a proxy (EHC plan rate x children), young carers absent.",
    ),
    "deprivation": _weight(
        "Children Act formula weight: deprivation",
        1 / 3,
        "One third; children in relative low-income families (DWP) as the deprivation "
        "measure because it covers all 153 councils on current boundaries (IDACI 2019 "
        "does not cover councils created after 2019).",
    ),
}

PREVENTION_GRANT_2025_26 = Parameter(
    value=270,
    unit=Unit.GBP_MILLIONS,
    label="Children's Social Care Prevention Grant 2025-26 (default pot for the brief)",
    source=Source(
        title="Fair Funding Review 2.0: local government finance policy statement",
        publisher="Ministry of Housing, Communities and Local Government",
        year=2025,
        quote="£270m 2025-26 Children's Social Care Prevention Grant",
    ),
    note=(
        "A real annual pot for preventive children's services, used as the default control "
        "total so the brief shows what a Children Act formula would do with it. Published "
        "interim allocations (for comparison): Kent £6.7m highest, City of London £30,000 "
        "lowest, average £1.76m."
    ),
    reviewed=REVIEWED,
)


def children_act_formula() -> NeedsFormula:
    """The Children Act funding formula (relative mode, shares of a pot), weights assumed.

    >>> f = children_act_formula()
    >>> [round(i.weight.value, 4) for i in f.indicators]
    [0.1667, 0.1667, 0.3333, 0.3333]
    >>> f.indicators[2].proxy
    'disabled children and young carers (EHC plan rate x children aged 0-17)'
    """
    w = CHILDREN_ACT_WEIGHTS
    return NeedsFormula(
        name="Children Act funding formula (fundmodel preset, assumed weights)",
        basis="shares",
        description=(
            "Children England's three factors; weights are fundmodel assumptions, "
            "two factors measured by proxies."
        ),
        indicators=(
            Indicator(name="population", column="children_0_17", weight=w["population"]),
            Indicator(
                name="projected_population",
                column="children_0_17_2029_trend",
                weight=w["projected_population"],
                proxy="projected child population (trend of ONS mid-2019 to mid-2024 to 2029)",
            ),
            Indicator(
                name="disability",
                column="ehcp_pct",
                times="children_0_17",
                scale=0.01,
                weight=w["disability"],
                proxy="disabled children and young carers (EHC plan rate x children aged 0-17)",
            ),
            Indicator(
                name="deprivation",
                column="child_poverty_pct",
                times="children_0_17",
                scale=0.01,
                weight=w["deprivation"],
            ),
        ),
    )


S251_OUTTURN_2024_25 = Source(
    title="Section 251 outturn 2024-25 (LA and school expenditure), via the Local Authority "
    "Interactive Tool; caseloads from Children looked after in England and Characteristics "
    "of children in need, 2025",
    publisher="Department for Education",
    year=2025,
    url="https://explore-education-statistics.service.gov.uk/",
)

COST_DUTIES: tuple[tuple[str, str, str, str], ...] = (
    ("family_support", "s251_family_support_2024_25", "children_0_17",
     "Section 17 family support for every child (England spend per child aged 0-17)"),
    ("safeguarding", "s251_safeguarding_2024_25", "cin_count_2025",
     "assessment and safeguarding per child in need at 31 March 2025"),
    ("looked_after", "s251_lac_2024_25", "cla_count_2025",
     "care per child looked after at 31 March 2025"),
)
"""(duty, spend column, caseload column, label) for the absolute preset."""


def england_unit_cost(authorities: Authorities, spend: str, caseload: str, label: str) -> Parameter:
    """England-average unit cost: total spend / total caseload over councils with both.

    The councils left out (either value missing) are named in the parameter's note.
    """
    s = authorities.column(spend)
    c = authorities.column(caseload)
    both = ~np.isnan(s) & ~np.isnan(c)
    left_out = ", ".join(authorities.names[~both].tolist()) or "none"
    value = float(s[both].sum() / c[both].sum())
    return Parameter(
        value=value,
        unit=Unit.GBP_PER_CHILD_PER_YEAR,
        label=f"England unit cost: {label}",
        source=S251_OUTTURN_2024_25,
        note=(
            f"Derived by fundmodel: sum of {spend} / sum of {caseload} over {int(both.sum())} "
            f"councils with both values (left out: {left_out}). An average of current "
            "spending, not a costing of what the duty should cost."
        ),
        reviewed=REVIEWED,
    )


def children_act_costs(authorities: Authorities | None = None) -> DutyCostFormula:
    """Children Act duties priced bottom-up at England-average 2024-25 unit costs (absolute mode).

    Because the unit costs are averages of what councils spend now, the national gap over
    councils with complete data is zero by construction: the per-council gaps show where
    need-based costs exceed or fall short of current spend. Replace the unit costs (e.g.
    with a costed model of the duties) to measure an absolute national shortfall.

    >>> from fundmodel import load_authorities
    >>> f = children_act_costs(load_authorities())
    >>> [d.name for d in f.duties]
    ['family_support', 'safeguarding', 'looked_after']
    >>> f.duties[2].unit_cost.value > 50_000  # £ per child looked after per year
    True
    """
    from fundmodel.authorities import load_authorities

    la = authorities if authorities is not None else load_authorities()
    duties = tuple(
        Duty(name=name, column=caseload, unit_cost=england_unit_cost(la, spend, caseload, label))
        for name, spend, caseload, label in COST_DUTIES
    )
    return DutyCostFormula(
        name="Children Act duties at England-average unit costs (2024-25)",
        duties=duties,
        funding_columns=tuple(spend for _, spend, _, _ in COST_DUTIES),
        description="Bottom-up cost of family support, safeguarding and care per council.",
    )
