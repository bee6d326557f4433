"""Deprecated location: the built-in RCC memberships now live in
:mod:`fundmodel.scenarios.rcc.membership` (kept here for one release)."""

from fundmodel.scenarios.rcc.builtin import (  # noqa: F401
    CARE_REVIEW_RCC,
    PATHFINDERS_2024,
    PRESET_NAMES,
    RCC20_GROUPS,
    membership_preset,
)
