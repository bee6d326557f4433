"""Grant rules: fixed amounts for named councils, exclusions, an equal split or the formula
for the rest, and a minimum allocation; composable in one set of rules.

The rules are applied in this order, to whole pence, for every variant at once:

1. ``exclude``: these councils get nothing;
2. ``fixed``: these councils get exactly the amount given;
3. the rest of the pot goes to the remaining (eligible) councils, either
   ``remainder: equal`` (the same amount each; the pennies that do not divide go one each
   to the eligible councils in ONS code order, lowest code first: the **tie rule**), or
   ``remainder: formula`` (in proportion to the formula amounts, so the result of any
   needs formula, with or without a resources adjustment; largest-remainder pennies, ties
   to the lower ONS code), where ``minimum`` raises small allocations to the minimum and
   the others are scaled down to pay for it (solved exactly, one sort, no iteration).

Councils are named by ONS code or by name as in the data; one that does not exist, or is
named twice, is refused by name. The determination 31/7969 (Families First Partnership
transformation grant, 2025-26) is this pattern: zero for ten pathfinder councils, three
fixed, the rest equal (``examples/grant_rules_equal_split.yaml``).

>>> import numpy as np
>>> from fundmodel.testing import synthetic_authorities
>>> la = synthetic_authorities([[1.0], [2.0], [3.0], [4.0]])
>>> rules = GrantRules(fixed={"Council 0": 1.0}, exclude=["Council 3"], remainder="equal")
>>> pence, status = rules.apply(np.array([[0.1, 0.2, 0.3, 0.4]]), 1001, la)
>>> pence.tolist(), status.tolist()
([[100, 451, 450, 0]], ['fixed', 'equal share', 'equal share', 'excluded'])
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from typing import Literal

import numpy as np
import numpy.typing as npt
from pydantic import ConfigDict, Field, model_validator

from fundmodel._types import FloatArray, IntArray
from fundmodel.core.model import FrozenModel
from fundmodel.data.authorities import Authorities
from fundmodel.engine.money import format_gbp, largest_remainder, total_in_pence
from fundmodel.engine.resources import RefMoney
from fundmodel.engine.result import Allocation
from fundmodel.errors import DataError, FormulaError
from fundmodel.parameters.records import Parameter


def council_positions(authorities: Authorities, councils: Sequence[str], what: str
                      ) -> npt.NDArray[np.intp]:
    """Row positions of ``councils`` (ONS codes or names, any case); unknown ones named."""
    by_code = {str(c): i for i, c in enumerate(authorities.codes)}
    by_name = {str(n).casefold(): i for i, n in enumerate(authorities.names)}
    unknown = [c for c in councils if c not in by_code and c.casefold() not in by_name]
    if unknown:
        raise DataError(
            f"{what}: no council {', '.join(repr(u) for u in unknown)} in {authorities.source} "
            f"({authorities.n} councils); name councils by ONS code or as the data names them")
    positions = [by_code[c] if c in by_code else by_name[c.casefold()] for c in councils]
    seen: dict[int, str] = {}
    for council, position in zip(councils, positions, strict=True):
        if position in seen:
            raise DataError(f"{what}: {council!r} and {seen[position]!r} are the same council "
                            f"({authorities.codes[position]}); list it once")
        seen[position] = council
    return np.asarray(positions, dtype=np.intp)


class GrantRules(FrozenModel):
    """Fixed amounts, exclusions, an equal or formula remainder and a minimum (see module)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    fixed: dict[str, RefMoney] = Field(default_factory=dict,
                                    description="council (code or name) -> amount")
    exclude: tuple[str, ...] = Field(default=(), description="councils that get nothing")
    remainder: Literal["formula", "equal"] = "formula"
    minimum: RefMoney | None = Field(default=None,
                                  description="least any eligible council gets (formula rest)")

    @model_validator(mode="after")
    def _consistent(self) -> GrantRules:
        both = sorted(set(self.fixed) & set(self.exclude))
        if both:
            raise ValueError(f"councils {both} are both fixed and excluded")
        return self

    def parameters(self) -> list[Parameter]:
        """The amounts behind the rules, for citations."""
        return [*self.fixed.values(), *([self.minimum] if self.minimum else [])]

    def apply(self, weights: FloatArray, pot_pence: int, authorities: Authorities
              ) -> tuple[IntArray, npt.NDArray[np.str_]]:
        """Pence per council (variants x councils) and each council's rule, for a pot in
        whole pence; ``weights`` (the formula amounts) share the remainder."""
        w = np.atleast_2d(np.asarray(weights, np.float64))
        n = authorities.n
        status = np.full(n, "formula" if self.remainder == "formula" else "equal share",
                         dtype=object)
        out = np.zeros(w.shape, dtype=np.int64)
        excluded = council_positions(authorities, list(self.exclude), "grant rules, exclude")
        fixed_at = council_positions(authorities, list(self.fixed), "grant rules, fixed")
        status[excluded] = "excluded"
        status[fixed_at] = "fixed"
        fixed_pence = np.array([total_in_pence(p.in_pounds()) for p in self.fixed.values()],
                               dtype=np.int64)
        out[:, fixed_at] = fixed_pence
        rest = pot_pence - int(fixed_pence.sum())
        if rest < 0:
            fixed_total = format_gbp(float(fixed_pence.sum()) / 100, "auto")
            raise FormulaError(f"grant rules: the fixed amounts total {fixed_total}, more "
                               f"than the pot of {format_gbp(pot_pence / 100, 'auto')}")
        eligible = np.flatnonzero((status != "excluded") & (status != "fixed"))
        if eligible.size == 0:
            if rest:
                raise FormulaError(f"grant rules leave {format_gbp(rest / 100, 'auto')} with no "
                                   "eligible council to receive it")
            return out, status.astype(np.str_)
        minimum = 0 if self.minimum is None else total_in_pence(self.minimum.in_pounds())
        if minimum * eligible.size > rest:
            raise FormulaError(
                f"grant rules: a minimum of {format_gbp(minimum / 100, 'auto')} for each of "
                f"{eligible.size} eligible councils costs "
                f"{format_gbp(minimum * eligible.size / 100, 'auto')}, more than the "
                f"{format_gbp(rest / 100, 'auto')} left after fixed amounts")
        if self.remainder == "equal":
            out[:, eligible] = _equal_split(rest, authorities.code_rank()[eligible])
        else:
            sub = w[:, eligible]
            if np.any(sub.sum(axis=1) <= 0):
                raise FormulaError("grant rules: the formula gives every eligible council zero")
            amounts, at_min = _with_minimum(sub, rest / 100.0, minimum / 100.0)
            status[eligible[at_min.any(axis=0)]] = "minimum" if minimum else "formula"
            out[:, eligible] = largest_remainder(
                amounts * 100.0, np.full(w.shape[0], rest, dtype=np.int64),
                authorities.code_rank()[eligible])
        return out, status.astype(np.str_)


def _equal_split(rest: int, ranks: IntArray) -> IntArray:
    """``rest`` pence split equally; leftover pennies to the lowest ONS codes (tie rule)."""
    share, leftover = divmod(rest, ranks.size)
    order = np.argsort(ranks, kind="stable")
    extra = np.zeros(ranks.size, dtype=np.int64)
    extra[order[:leftover]] = 1
    return share + extra


def _with_minimum(w: FloatArray, rest: float, minimum: float
                  ) -> tuple[FloatArray, npt.NDArray[np.bool_]]:
    """``max(minimum, lam * w_i)`` summing to ``rest`` per row, and who is at the minimum."""
    if minimum <= 0:
        amounts = w / w.sum(axis=1, keepdims=True) * rest
        return amounts, np.zeros(w.shape, dtype=np.bool_)
    m = w.shape[1]
    with np.errstate(divide="ignore"):
        breaks = np.where(w > 0, minimum / w, np.inf)  # lam at which council i leaves the min
    order = np.argsort(breaks, axis=1, kind="stable")
    b = np.take_along_axis(breaks, order, axis=1)
    cum_w = np.cumsum(np.take_along_axis(w, order, axis=1), axis=1)
    above = m - 1 - np.arange(m)  # councils still at the minimum when lam is at b_j
    with np.errstate(invalid="ignore"):
        reached = np.where(np.isfinite(b), minimum * above + b * cum_w, np.inf)
    j = np.maximum((reached <= rest).sum(axis=1) - 1, 0)
    rows = np.arange(w.shape[0])
    lam = (rest - minimum * above[j]) / cum_w[rows, j]
    amounts = np.maximum(lam[:, None] * w, minimum)
    return amounts, lam[:, None] * w < minimum


def apply_grant_rules(allocation: Allocation, rules: GrantRules) -> Allocation:
    """The allocation with ``rules`` applied to its pot (the formula shares the remainder).

    Damping and grant rules together are refused: the rules would silently undo the floor.
    """
    if allocation.formula.damping is not None:
        raise FormulaError("grant rules and damping together are not supported: apply the "
                           "rules, then run a transition (kind: transition) for floors")
    pence, status = rules.apply(allocation.formula_amount, allocation.total_pence,
                                allocation.authorities)
    cited = tuple(f"grant rules: {p.label}: {p.cite()}" + (" (assumption)" if p.assumption else "")
                  for p in rules.parameters())
    return dataclasses.replace(allocation, amount_pence=pence, rule_status=status,
                               rule_sources=cited)
