"""Parameters: :class:`Source`, :class:`Parameter`, :class:`Unit`, and every shipped record
as a YAML file in this folder (one file per topic), read by :func:`shipped`.

>>> from fundmodel.parameters import shipped
>>> shipped("investment")["family_help_headline"].value
2000.0
"""

from fundmodel.parameters.loader import (
    ParameterFileError,
    ParameterSet,
    all_parameters,
    load,
    shipped,
    shipped_topics,
)
from fundmodel.parameters.records import Parameter, Source, Unit

__all__ = [
    "Parameter",
    "ParameterFileError",
    "ParameterSet",
    "Source",
    "Unit",
    "all_parameters",
    "load",
    "shipped",
    "shipped_topics",
]
