"""Spending history since 2008-09, as shipped in ``history.csv``.

Section 251 outturn per council, 2008-09 to 2018-19, in GBP cash, mapped to
today's service groups (``s251_hist_<group>_<gross|net>``); see
``sources.yaml`` (section ``history``) and ``docs/data.md``. Predecessor
authorities keep their own codes (flag ``predecessor``); same-area recodes
are repeated under the successor (flag ``recoded_same_area``: drop those rows
when summing a period across England). ``comparable_areas()`` lists the exact
unions over which a council's series may be combined across a reorganisation.

``load_ro3_history()`` gives MHCLG RO3 outturn per council, 2008-09 to
2020-21, net current expenditure in GBP (``ro3_hist_<group>_net``; the files'
GBP thousand x 1000), same columns and flags plus ``not_submitted`` (no value)
and ``revised_return``. 2021-22 is a gap (``history_gaps()``).

>>> frame = load_history()
>>> list(frame.columns)
['code', 'name', 'period', 'measure', 'value', 'flag']
>>> row = frame[(frame["code"] == "E08000025") & (frame["period"] == "2008-09")
...             & (frame["measure"] == "s251_hist_total_gross")]
>>> round(float(row["value"].iloc[0]))
177029824
"""

from __future__ import annotations

import io
from importlib import resources

import pandas as pd

from fundmodel.errors import DataError

HISTORY_COLUMNS = ("code", "name", "period", "measure", "value", "flag")
AREA_COLUMNS = ("area_id", "area_name", "code", "name", "role", "first_period",
                "last_period", "exact_union", "note")


def _read(name: str) -> pd.DataFrame:
    try:
        raw = resources.files("fundmodel.data").joinpath(name).read_bytes()
    except FileNotFoundError as exc:  # pragma: no cover - packaging error
        raise DataError(f"shipped data file {name} is missing") from exc
    return pd.read_csv(io.BytesIO(raw), dtype=str, keep_default_na=False)


def load_history() -> pd.DataFrame:
    """The long history frame: ``code, name, period, measure, value, flag``.

    ``value`` is a float (NaN where the source has no figure, with a flag);
    ``flag`` is ``''`` when none applies.

    >>> frame = load_history()
    >>> sorted(frame["period"].unique())[:2]
    ['2008-09', '2009-10']
    >>> frame.loc[frame["code"] == "E10000001", "flag"].unique().tolist()
    ['predecessor']
    """
    frame = _read("history.csv")
    if tuple(frame.columns) != HISTORY_COLUMNS:
        raise DataError(f"history.csv has columns {list(frame.columns)}")
    frame["value"] = pd.to_numeric(frame["value"].replace("", None), errors="raise")
    return frame


def load_ro3_history() -> pd.DataFrame:
    """RO3 outturn per council 2008-09 to 2020-21: ``code, name, period, measure, value, flag``.

    ``value`` is GBP (float; NaN where the return was not received, flag
    ``not_submitted``). Predecessors keep their own codes (flag ``predecessor``).

    >>> ro3 = load_ro3_history()
    >>> periods = sorted(ro3["period"].unique())
    >>> periods[0], periods[-1], "2021-22" in periods
    ('2008-09', '2020-21', False)
    >>> row = ro3[(ro3["code"] == "E08000025") & (ro3["period"] == "2020-21")
    ...           & (ro3["measure"] == "ro3_hist_csc_net")]
    >>> float(row["value"].iloc[0]) > 0
    True
    """
    frame = _read("ro3_history.csv")
    if tuple(frame.columns) != HISTORY_COLUMNS:
        raise DataError(f"ro3_history.csv has columns {list(frame.columns)}")
    frame["value"] = pd.to_numeric(frame["value"].replace("", None), errors="raise")
    return frame


def comparable_areas() -> pd.DataFrame:
    """Comparable areas across reorganisations: one row per member code.

    ``exact_union`` is ``True`` where the members' areas add up exactly, so a
    series may be combined by summing; ``False`` rows name pairings that must
    not be combined (BCP is not Bournemouth + Poole: Christchurch came from the
    old Dorset county).

    >>> areas = comparable_areas()
    >>> sorted(areas.loc[areas["area_id"] == "CA_BEDFORDSHIRE", "code"])
    ['E06000055', 'E06000056', 'E10000001']
    >>> bool(areas.loc[areas["area_id"] == "NC_BCP", "exact_union"].iloc[0])
    False
    """
    frame = _read("comparable_areas.csv")
    if tuple(frame.columns) != AREA_COLUMNS:
        raise DataError(f"comparable_areas.csv has columns {list(frame.columns)}")
    bad = set(frame["exact_union"]) - {"true", "false"}
    if bad:
        raise DataError(f"comparable_areas.csv: exact_union values {sorted(bad)}")
    frame["exact_union"] = frame["exact_union"] == "true"
    return frame


def history_gaps() -> pd.DataFrame:
    """Whole measure-years with no figure (no rows are written for them), with reasons.

    >>> gaps = history_gaps()
    >>> sorted(gaps.loc[gaps["measure"] == "s251_hist_sure_start_net", "period"])
    ['2008-09', '2009-10']
    """
    return _read("history_gaps.csv")
