"""What the simulator shows, as data: the scenario state, the pot parser and the URL codec.

Pure functions, no web framework: the state round-trips through a query string, so a URL
reproduces the view.

>>> s = AppState(pot="family_help", formula="custom", weights={"population": 50,
...              "deprivation": 50}, floor=-0.05, council="E06000001")
>>> from_query(to_query(s)) == s
True
>>> parse_pot("£270,000,000")
270000000.0
>>> parse_pot("£2bn")
Traceback (most recent call last):
...
fundmodel.errors.InvalidInputError: pot '£2bn': type the amount in pounds as digits, ...
"""

from __future__ import annotations

import base64
import json
import re
from typing import Literal
from urllib.parse import parse_qs, urlencode

from pydantic import ConfigDict, Field

from fundmodel.core.model import FrozenModel
from fundmodel.engine.money import total_in_pence
from fundmodel.errors import FundmodelError, InvalidInputError
from fundmodel.parameters import shipped
from fundmodel.parameters.records import Parameter


class IndicatorChoice(FrozenModel):
    """An indicator the user may weight: a data column, optionally times another."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    label: str
    column: str
    times: str | None = None
    scale: float = 1.0


INDICATORS: dict[str, IndicatorChoice] = {
    "population": IndicatorChoice(label="children aged 0-17 (ONS mid-2024)",
                                  column="children_0_17"),
    "projected_population": IndicatorChoice(
        label="projected children aged 0-17, 2029 (trend; a proxy)",
        column="children_0_17_2029_trend"),
    "disability": IndicatorChoice(label="children x EHC plan rate (a proxy for disability)",
                                  column="ehcp_pct", times="children_0_17", scale=0.01),
    "deprivation": IndicatorChoice(label="children in relative low-income families",
                                   column="child_poverty_pct", times="children_0_17",
                                   scale=0.01),
    "idaci": IndicatorChoice(label="children x IDACI score (2019)", column="idaci_score_2019",
                             times="children_0_17"),
    "referrals": IndicatorChoice(label="referrals to children's social care, 2024-25",
                                 column="referrals_2025"),
    "children_in_need": IndicatorChoice(label="children in need, 31 March 2025",
                                        column="cin_count_2025"),
    "protection_plans": IndicatorChoice(label="child protection plans, 31 March 2025",
                                        column="cpp_count_2025"),
    "looked_after": IndicatorChoice(label="children looked after, 31 March 2025",
                                    column="cla_count_2025"),
    "family_support_spend": IndicatorChoice(label="family support spend, 2024-25 (s251)",
                                            column="s251_family_support_2024_25"),
}
"""The indicators the simulator offers (the preset's four first, with the same definitions)."""

POTS: dict[str, tuple[str, str]] = {
    "prevention_grant": ("children_act", "prevention_grant_2025_26"),
    "family_help": ("investment", "family_help_headline"),
    "care_review": ("investment", "care_review_headline_five_years"),
    "double_care_review": ("investment", "children_england_double"),
    "funding_gap": ("investment", "select_committee_gap_2025"),
}
"""Preset pots: key -> (parameter topic, record)."""

BASELINES = ("per_child", "spend", "saved1", "saved2", "saved3")
"""What winners and losers are measured against: the pot shared equally per child, shared
by current family support spend, or one of up to three saved scenarios."""


def pot_parameter(key: str) -> Parameter:
    """The sourced Parameter of a preset pot."""
    if key not in POTS:
        raise InvalidInputError(f"pot: unknown preset {key!r}; presets: {sorted(POTS)}")
    topic, record = POTS[key]
    value: Parameter = shipped(topic)[record]
    return value


_DIGITS = re.compile(r"\d{1,3}(,\d{3})+(\.\d{1,2})?|\d+(\.\d{1,2})?")


def parse_pot(text: str) -> float:
    """A typed pot in pounds: digits, optional thousands commas, optional ``£`` and pence.
    Anything else (``£2bn``, ``2.6 billion``, ``-5``) is refused with a message saying what
    to type; nothing is guessed."""
    cleaned = str(text).strip().removeprefix("£").replace(" ", "")
    if not cleaned:
        raise InvalidInputError("pot: empty; type the amount in pounds, e.g. 270,000,000")
    if not _DIGITS.fullmatch(cleaned):
        raise InvalidInputError(
            f"pot {text!r}: type the amount in pounds as digits, e.g. 2,000,000,000 for two "
            "billion pounds (words and units such as 'bn', 'm' or 'k' are not read, so "
            "nothing is guessed)")
    pounds = float(cleaned.replace(",", ""))
    if pounds <= 0:
        raise InvalidInputError(f"pot {text!r}: must be more than £0")
    total_in_pence(pounds)
    return pounds


class AppState(FrozenModel):
    """One scenario as the page shows it. ``pot`` is a preset key or an amount in pounds
    as typed; ``weights`` are slider positions (0-100), used as shares of their sum."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    title: str = Field(default="My scenario", min_length=1, max_length=120)
    pot: str = "prevention_grant"
    formula: Literal["children_act", "custom"] = "children_act"
    weights: dict[str, float] = Field(default_factory=dict)
    floor: float | None = None
    ceiling: float | None = None
    baseline: Literal["per_child", "spend", "saved1", "saved2", "saved3"] = "per_child"
    council: str = "E06000001"

    def pot_pounds(self) -> float | Parameter:
        """The pot: a preset's Parameter, or the typed amount parsed (errors name the input)."""
        return pot_parameter(self.pot) if self.pot in POTS else parse_pot(self.pot)

    def used_weights(self) -> dict[str, float]:
        """Slider positions as weights summing to 1 (zero weights left out)."""
        unknown = sorted(set(self.weights) - set(INDICATORS))
        if unknown:
            raise InvalidInputError(f"weights: unknown indicator(s) {unknown}; "
                                    f"known: {list(INDICATORS)}")
        bad = {k: v for k, v in self.weights.items() if not 0 <= v <= 100}
        if bad:
            raise InvalidInputError(f"weights: slider positions run from 0 to 100, got {bad}")
        total = sum(self.weights.values())
        if total <= 0:
            raise InvalidInputError("weights: every weight is zero, so they cannot sum to 1; "
                                    "move at least one slider above 0")
        return {k: v / total for k, v in self.weights.items() if v > 0}


def _number(values: dict[str, list[str]], key: str) -> float | None:
    if key not in values or values[key][0] == "":
        return None
    try:
        return float(values[key][0])
    except ValueError:
        raise InvalidInputError(f"link: {key}={values[key][0]!r} is not a number") from None


def to_query(state: AppState, saved: tuple[AppState, ...] = ()) -> str:
    """The state (and saved scenarios) as a URL query string."""
    params: list[tuple[str, str]] = [("title", state.title), ("pot", state.pot),
                                     ("formula", state.formula)]
    if state.weights:
        params.append(("w", ",".join(f"{k}:{v:g}" for k, v in state.weights.items())))
    params += [(k, f"{v:g}") for k, v in (("floor", state.floor), ("ceiling", state.ceiling))
               if v is not None]
    params += [("base", state.baseline), ("council", state.council)]
    params += [("saved", encode_saved(s)) for s in saved]
    return urlencode(params)


def from_query(query: str) -> AppState:
    """The state in a query string (missing keys take their defaults); bad values raise
    :class:`InvalidInputError` naming the key."""
    values = parse_qs(query.lstrip("?"), keep_blank_values=True)
    data: dict[str, object] = {k: values[k][0] for k in ("title", "pot", "formula", "council")
                               if k in values}
    if "base" in values:
        data["baseline"] = values["base"][0]
    if values.get("w", [""])[0]:
        weights: dict[str, float] = {}
        for part in values["w"][0].split(","):
            key, _, number = part.partition(":")
            try:
                weights[key] = float(number)
            except ValueError:
                raise InvalidInputError(f"link: weight {part!r} is not name:number") from None
        data["weights"] = weights
    for key in ("floor", "ceiling"):
        data[key] = _number(values, key)
    return _validated(data, "link")


def saved_from_query(query: str) -> tuple[AppState, ...]:
    """The saved scenarios in a query string (at most three)."""
    tokens = parse_qs(query.lstrip("?")).get("saved", [])[:3]
    return tuple(decode_saved(t) for t in tokens)


def encode_saved(state: AppState) -> str:
    """A saved scenario as one URL-safe token."""
    raw = json.dumps(state.model_dump(mode="json"), separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_saved(token: str) -> AppState:
    """The inverse of :func:`encode_saved`."""
    try:
        data = json.loads(base64.urlsafe_b64decode(token + "=" * (-len(token) % 4)))
    except (ValueError, UnicodeDecodeError):
        raise InvalidInputError("link: a saved scenario in the link is damaged") from None
    return _validated(data, "link, saved scenario")


def _validated(data: object, label: str) -> AppState:
    try:
        return AppState.model_validate(data)
    except FundmodelError as exc:
        raise InvalidInputError(f"{label}: {exc}") from None
