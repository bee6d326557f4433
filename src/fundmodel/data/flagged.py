"""Which data-quality flags (``flags.csv``) touch the values a computation uses.

A flag marks a value as implausible without changing it (a large year-on-year move, or two
sources disagreeing). :func:`flags_for` finds the flags on a set of measures, periods and
councils, counting a source-agreement flag against both of the measures it compares, so a
function can say in its result and summary that it used a flagged value.

>>> f = flags_for(["ro3_lac_net"], ["2023-24"], ["E08000028"])
>>> f[["name", "measure", "check"]].to_dict("records")
[{'name': 'Sandwell', 'measure': 's251_lac', 'check': 'source_agreement:ro3_lac_net'}]
>>> describe_flags(f)[0][:40]
'Sandwell (E08000028) s251_lac 2023-24: s'
"""

from __future__ import annotations

from collections.abc import Iterable

import pandas as pd


def flags_for(measures: Iterable[str], periods: Iterable[str],
              codes: Iterable[str] | None = None) -> pd.DataFrame:
    """Flags on any of ``measures`` in ``periods`` (for ``codes``; default every council).

    A ``source_agreement:<other>`` flag on measure m concerns m and <other>: it is returned
    when either is asked for.
    """
    from fundmodel.data.tables import load_flags

    wanted = set(measures)
    flags = load_flags()
    other = flags["check"].str.removeprefix("source_agreement:")
    hit = flags["measure"].isin(wanted) | (flags["check"].str.startswith("source_agreement:")
                                           & other.isin(wanted))
    hit &= flags["period"].isin(list(periods))
    if codes is not None:
        hit &= flags["code"].isin(list(codes))
    return flags[hit].reset_index(drop=True)


def describe_flags(flags: pd.DataFrame) -> list[str]:
    """One line per flag: council, measure, period, values and the check's reason."""
    return [f"{r.name} ({r.code}) {r.measure} {r.period}: {r.values} ({r.check}: {r.reason})"
            for r in flags.itertuples()]
