"""Error classes raised by fundmodel.

Every error is a :class:`FundmodelError`, itself a :class:`ValueError`, so a notebook
can catch all of fundmodel's complaints about bad input in one ``except`` clause.

>>> from fundmodel.errors import DataError, FundmodelError
>>> issubclass(DataError, FundmodelError) and issubclass(DataError, ValueError)
True
"""

from __future__ import annotations


class FundmodelError(ValueError):
    """Base class: something in the input cannot be used as given."""


class InvalidInputError(FundmodelError):
    """A model (formula, scenario, parameter...) was given a value it cannot accept."""


class DataError(FundmodelError):
    """Authority data is malformed: unknown, duplicate or missing codes, bad values."""


class FormulaError(FundmodelError):
    """A formula cannot be applied: bad weights, missing indicator values, bad totals."""


class InfeasibleDampingError(FormulaError):
    """Floors or ceilings cannot be met within the control total."""


class CompareError(FundmodelError):
    """Results cannot be compared as given (different councils, bad labels, ...)."""


class ScenarioError(FundmodelError):
    """A scenario file or model is invalid."""
