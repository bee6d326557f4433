"""The :class:`Membership` model: which council pools into which Regional Care Co-operative
(the built-in memberships are in :mod:`fundmodel.scenarios.rcc.builtin`)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Literal

import numpy as np
from pydantic import ConfigDict, Field, field_validator, model_validator

from fundmodel._types import IntArray
from fundmodel.core.model import FrozenModel
from fundmodel.data.codes import CODE_PATTERN
from fundmodel.errors import ScenarioError
from fundmodel.parameters.records import Source

if TYPE_CHECKING:
    from fundmodel.data.authorities import Authorities


STANDALONE = "standalone"
"""RCC name meaning "not pooled": the council stays its own commissioning body."""


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
    fundmodel.errors.InvalidInputError: Membership: ... given twice: E06000001 (North, South)...
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
        spelt: dict[str, str] = {STANDALONE: STANDALONE}
        for rcc in dict.fromkeys(members.values()):
            key = " ".join(rcc.split()).casefold()
            if spelt.setdefault(key, rcc) != rcc:
                raise ValueError(f"RCC names {spelt[key]!r} and {rcc!r} differ only in case or "
                                 "spaces; spell each RCC one way (they would be separate pools)")
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
