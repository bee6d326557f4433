"""The base of every fundmodel input model: frozen, no unknown fields, fundmodel errors.

Validation failures surface as :class:`~fundmodel.errors.InvalidInputError`, a
:class:`~fundmodel.errors.FundmodelError` (so a ``ValueError``), naming the model, the field
and the value, whether the model is built directly or with ``model_validate``.

>>> from fundmodel.errors import FundmodelError
>>> from fundmodel.engine.formula import Damping
>>> try:
...     Damping(baseline="b", floor=0.5)
... except FundmodelError as exc:
...     print(exc)
Damping, field floor: Input should be less than or equal to 0; got 0.5
"""

from __future__ import annotations

from typing import Any, Self

from pydantic import BaseModel, ConfigDict, ValidationError

from fundmodel.core.html import html_definition_list
from fundmodel.core.messages import describe_validation_error
from fundmodel.errors import InvalidInputError


class FrozenModel(BaseModel):
    """Frozen pydantic model with ``extra="forbid"`` whose validation errors are fundmodel's."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    def __init__(self, /, **data: Any) -> None:
        try:
            super().__init__(**data)
        except ValidationError as exc:
            message = describe_validation_error(type(self).__name__, exc, type(self))
            raise InvalidInputError(message) from None

    def _repr_html_(self) -> str:
        """Every field, escaped, as a definition list (no JavaScript); nested models and
        parameter records show their value, unit and source.

        >>> from fundmodel.engine.formula import Damping
        >>> "<dt>floor</dt><dd>-0.05</dd>" in Damping(floor=-0.05)._repr_html_()
        True
        """
        return html_definition_list(type(self).__name__, self.model_dump(mode="json"))

    def updated(self, **changes: Any) -> Self:
        """A validated copy with some fields changed. Prefer this to ``model_copy(update=...)``,
        which skips validation (a bare number would not become a Parameter, a mapping would
        not become a model).

        >>> from fundmodel.presets import children_act_formula
        >>> f = children_act_formula().updated(damping={"floor": -0.05})
        >>> f.damping.floor
        -0.05
        """
        return type(self).model_validate({**self.model_dump(), **changes})

    @classmethod
    def model_validate(cls, obj: Any, *args: Any, **kwargs: Any) -> Self:
        """Validate ``obj`` (a mapping or model); failures raise InvalidInputError."""
        try:
            return super().model_validate(obj, *args, **kwargs)
        except ValidationError as exc:
            raise InvalidInputError(describe_validation_error(cls.__name__, exc, cls)) from None
        except TypeError as exc:  # pydantic refuses mappings with non-text keys this way
            raise InvalidInputError(f"{cls.__name__}: {exc} (mapping keys must be text)") from None
