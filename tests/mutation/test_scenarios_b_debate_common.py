"""Kill tests for the debate scenarios' shared helpers: council figures (from a column or the
embedded tables, read back against the publisher's rows), missing-value rules, penny
splits, rank correlations, money text and HTML; and the seeded draws."""

from __future__ import annotations

import datetime as dt
import math

import numpy as np
import pandas as pd
import pytest

from fundmodel.data.authorities import Authorities, authorities_from_frame, load_authorities
from fundmodel.data.series import load_series
from fundmodel.data.tables import load_budgets
from fundmodel.errors import DataError, InvalidInputError, ScenarioError
from fundmodel.parameters.records import FUNDMODEL_ASSUMPTION, Parameter, Unit
from fundmodel.scenarios.debate.common import (
    check_missing,
    column_name,
    council_values,
    first_reason,
    gbp,
    html_block,
    range_text,
    rank_correlation,
    split_pence,
    to_pence,
)
from fundmodel.scenarios.debate.draws import input_rng, interval, parameter_draws
from fundmodel.testing import synthetic_authorities

CODES = ["E06000001", "E06000039", "E08000025"]  # Hartlepool; Slough, Birmingham: no 2024-25


def _real(drop: str | None = None) -> Authorities:
    """Three embedded councils, without the authority column ``drop`` (so the embedded
    long tables are read instead)."""
    la = load_authorities()
    codes = la.codes.tolist()
    frame = la.take(np.array([codes.index(c) for c in CODES])).to_frame()
    return authorities_from_frame(frame.drop(columns=[c for c in [drop] if c in frame]))


def test_column_name() -> None:
    assert column_name("ro3_csc_net", "2024-25") == "ro3_csc_net_2024_25"
    assert column_name("x", "2020") == "x_2020"


def test_council_values_from_a_column() -> None:
    frame = synthetic_authorities([[1.0], [2.0]]).to_frame()
    frame["ro3_lac_net_2024_25"] = [5.0, np.nan]
    values, why = council_values(authorities_from_frame(frame), "ro3_lac_net", "2024-25")
    assert values[0] == 5.0 and math.isnan(values[1])
    assert why.tolist() == ["", "ro3_lac_net_2024_25 missing"]


def test_council_values_from_the_embedded_series() -> None:
    s = load_series()
    measure = "ro3_family_support_net"
    la = _real(drop=column_name(measure, "2024-25"))
    assert column_name(measure, "2024-25") not in la.numeric_columns
    values, why = council_values(la, measure, "2024-25")
    rows = s[(s["measure"] == measure) & (s["period"] == "2024-25")].set_index("code")
    assert values[0] == rows.loc["E06000001", "value"]
    assert why[0] == ""
    for i in (1, 2):
        assert math.isnan(values[i])
        assert why[i] == f"{measure} 2024-25: {rows.loc[CODES[i], 'flag']}"


def test_council_values_from_the_budgets_table() -> None:
    b = load_budgets()
    la = _real(drop="ra_budget_csc_net_2023_24")
    values, why = council_values(la, "ra_budget_csc_net", "2023-24")
    rows = b[(b["measure"] == "ra_budget_csc_net") & (b["period"] == "2023-24")
             & (b["flag"] != "predecessor")].drop_duplicates("code").set_index("code")
    for i, code in enumerate(CODES):
        want = rows.loc[code, "value"]
        assert (math.isnan(values[i]) and math.isnan(want)) or values[i] == want
        assert (why[i] == "") == (not math.isnan(want))


def test_council_values_errors() -> None:
    la = synthetic_authorities([[1.0], [2.0]])
    with pytest.raises(DataError, match=r"ro3_lac_net 2024-25: none of the councils in "
                       r"synthetic authorities is in the embedded table \(codes such as "
                       r"E06900000\); supply column 'ro3_lac_net_2024_25'"):
        council_values(la, "ro3_lac_net", "2024-25")
    with pytest.raises(DataError, match=r"no embedded figures for ro3_lac_net in 1999-00, and "
                       r"no column 'ro3_lac_net_1999_00' in synthetic authorities"):
        council_values(la, "ro3_lac_net", "1999-00")
    with pytest.raises(DataError, match=r"no embedded figures for ra_budget_nope"):
        council_values(la, "ra_budget_nope", "2023-24")


def test_a_council_missing_from_the_table_says_so() -> None:
    keep = ["code", "name", "region", "council_type"]
    frame = pd.concat([_real().to_frame()[keep],
                       synthetic_authorities([[1.0]]).to_frame()[keep]], ignore_index=True)
    both = authorities_from_frame(frame, "mixed", geography="custom")
    values, why = council_values(both, "ro3_family_support_net", "2024-25")
    assert math.isnan(values[3])
    assert why[3] == "ro3_family_support_net 2024-25: not in the embedded table"


def test_check_missing_and_first_reason() -> None:
    la = synthetic_authorities([[1.0]] * 10)
    why = np.array([""] + [f"r{i}" for i in range(1, 10)], dtype=object)
    assert check_missing(la, why, "exclude", "what").tolist() == [True] + [False] * 9
    with pytest.raises(DataError) as err:
        check_missing(la, why, "error", "Thing")
    text = str(err.value)
    assert text.startswith("Thing: values missing for 9 council(s): E06900001 Council 1 (r1); ")
    assert "E06900008 Council 8 (r8)" in text and "E06900009" not in text  # the first eight
    assert text.endswith(". Supply them or opt in to missing: exclude.")
    assert check_missing(la, np.full(10, "", dtype=object), "error", "w").all()
    out = first_reason(np.array(["", "a", ""], dtype=object),
                       np.array(["b", "c", ""], dtype=object),
                       np.array(["d", "e", "f"], dtype=object))
    assert out.tolist() == ["b", "a", "f"]


def test_to_pence_and_split_pence() -> None:
    assert to_pence(np.array([1.005, np.nan, -2.5, 0.004])).tolist() == [100, 0, -250, 0]
    assert to_pence(np.array([1.015])).dtype == np.int64
    la = synthetic_authorities([[1.0], [1.0], [1.0]])
    # 100p in thirds: 33.33 each, the spare penny to the lowest code
    assert split_pence(100, np.array([1.0, 1.0, 1.0]), la).tolist() == [34, 33, 33]
    assert split_pence(10, np.array([0.0, 1.0, 4.0]), la).tolist() == [0, 2, 8]
    assert split_pence(0, np.zeros(3), la).tolist() == [0, 0, 0]
    assert split_pence(0, np.zeros(3), la).dtype == np.int64
    with pytest.raises(ScenarioError, match=r"weights of shape \(2,\) for 3 councils"):
        split_pence(10, np.ones(2), la)
    with pytest.raises(DataError, match=r"negative or missing weight: E06900001 Council 1 has "
                       r"-1.0"):
        split_pence(10, np.array([1.0, -1.0, 1.0]), la)
    with pytest.raises(DataError, match=r"E06900002 Council 2 has nan"):
        split_pence(10, np.array([1.0, 1.0, np.nan]), la)
    with pytest.raises(ScenarioError, match="cannot split money: every weight is zero"):
        split_pence(10, np.zeros(3), la)


def test_rank_correlation_edges() -> None:
    x = np.array([1.0, 2.0, 3.0, 4.0])
    assert rank_correlation(x, np.array([4.0, 3.0, 2.0, 1.0])) == pytest.approx(-1.0)
    assert rank_correlation(x, np.array([1.0, 3.0, 2.0, 4.0])) == pytest.approx(0.8)
    # NaN pairs are left out: three left, perfectly ordered
    assert rank_correlation(x, np.array([10.0, np.nan, 30.0, 40.0])) == pytest.approx(1.0)
    assert math.isnan(rank_correlation(x[:2], x[:2]))  # fewer than three
    assert math.isnan(rank_correlation(np.array([1.0, np.nan, 2.0, 3.0]),
                                       np.array([1.0, 2.0, np.nan, 3.0])))
    assert math.isnan(rank_correlation(x, np.ones(4)))  # no spread
    assert math.isnan(rank_correlation(np.ones(4), x))


def test_money_text_and_html() -> None:
    assert gbp(2.5e9) == "£2.50bn"
    assert gbp(-1e9) == "-£1.00bn"
    assert gbp(999_999_999.0) == "£1,000.0m"
    assert gbp(3.25e6) == "£3.2m"
    assert gbp(-3.25e6) == "-£3.2m"
    assert range_text(2e6, 1e6, 3e6) == "£2.0m (90% interval £1.0m to £3.0m)"
    assert range_text(1234.4, 1000.0, 2000.6, money=False) == (
        "1,234 (90% interval 1,000 to 2,001)")
    page = html_block("A & B", "1.0", ["note <1>"], [("k<", "v&")])
    assert page == ("<div><strong>A &amp; B</strong>; fundmodel 1.0<table><tbody><tr>"
                    "<td>k&lt;</td><td style='text-align:right'>v&amp;</td></tr></tbody>"
                    "</table><ul><li>note &lt;1&gt;</li></ul></div>")


def _p(value: float, low: float | None, high: float | None) -> Parameter:
    return Parameter(value=value, low=low, high=high, unit=Unit.RATIO, label="p",
                     source=FUNDMODEL_ASSUMPTION, reviewed=dt.date(2026, 12, 1),
                     assumption=True)


def test_parameter_draws_and_interval() -> None:
    d = parameter_draws({"a": _p(0.2, 0.1, 0.4), "b": _p(0.5, None, None),
                         "c": _p(0.3, 0.3, 0.3)}, draws=2000, seed=3)
    assert set(d) == {"a", "b", "c"}
    assert d["b"].tolist() == [0.5] * 2000 and d["c"].tolist() == [0.3] * 2000
    assert d["a"].shape == (2000,)
    assert d["a"].min() >= 0.1 and d["a"].max() <= 0.4
    # triangular (0.1, 0.2, 0.4): mean 0.2333
    assert d["a"].mean() == pytest.approx(0.7 / 3, abs=0.01)
    alone = parameter_draws({"a": _p(0.2, 0.1, 0.4)}, draws=2000, seed=3)
    assert (alone["a"] == d["a"]).all()  # one input's draws do not depend on the others
    other = parameter_draws({"a": _p(0.2, 0.1, 0.4)}, draws=2000, seed=4)
    assert not (other["a"] == d["a"]).all()
    with pytest.raises(InvalidInputError, match="draws must be at least 1, got 0"):
        parameter_draws({}, draws=0, seed=1)
    with pytest.raises(InvalidInputError, match="seed must not be negative, got -1"):
        input_rng(-1, "a")
    low, mid, high = interval(np.arange(101.0))
    assert [float(low), float(mid), float(high)] == pytest.approx([5.0, 50.0, 95.0])
    lo, mi, hi = interval(np.arange(101.0), level=0.5)
    assert [float(lo), float(mi), float(hi)] == pytest.approx([25.0, 50.0, 75.0])
    cols = interval(np.column_stack([np.arange(101.0), 2 * np.arange(101.0)]))
    assert cols[0].tolist() == pytest.approx([5.0, 10.0])
    assert cols[2].tolist() == pytest.approx([95.0, 190.0])
