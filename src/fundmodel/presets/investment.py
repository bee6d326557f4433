"""Investment asks as sourced presets: the Care Review, Family Help, "double it", the
Committee. Built in :mod:`fundmodel.scenarios.family_help.asks` from the records of
``fundmodel/parameters/investment.yaml``; re-exported here as presets.

>>> care_review_ask().headline.value
2600.0
"""

from fundmodel.scenarios.family_help.asks import (
    CARE_REVIEW_FIRST_YEAR,
    CARE_REVIEW_HEADLINE_FIVE_YEARS,
    CARE_REVIEW_HEADLINE_FOUR_YEARS,
    CARE_REVIEW_PROFILE,
    CHILDREN_ENGLAND_DOUBLE,
    CHILDREN_ENGLAND_GAP,
    FAMILY_HELP_HEADLINE,
    ILLUSTRATIVE_INFLATION,
    INVESTMENT_PARAMETERS,
    SELECT_COMMITTEE_GAP_2025,
    SELECT_COMMITTEE_YEAR,
    care_review_ask,
    children_england_double_ask,
    family_help_ask,
    illustrative_deflator,
    select_committee_ask,
)

__all__ = [
    "CARE_REVIEW_FIRST_YEAR",
    "CARE_REVIEW_HEADLINE_FIVE_YEARS",
    "CARE_REVIEW_HEADLINE_FOUR_YEARS",
    "CARE_REVIEW_PROFILE",
    "CHILDREN_ENGLAND_DOUBLE",
    "CHILDREN_ENGLAND_GAP",
    "FAMILY_HELP_HEADLINE",
    "ILLUSTRATIVE_INFLATION",
    "INVESTMENT_PARAMETERS",
    "SELECT_COMMITTEE_GAP_2025",
    "SELECT_COMMITTEE_YEAR",
    "care_review_ask",
    "children_england_double_ask",
    "family_help_ask",
    "illustrative_deflator",
    "select_committee_ask",
]
