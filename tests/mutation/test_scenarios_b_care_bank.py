"""Kill tests for the Care Bank: four made-up councils worked by hand (£m).

2024-25 (half the placement spend moves): residential 3, 1, 0, 2; fostering 1, 1, 2, 1;
other 0, 0, 1, 0; children's services 10, 6, 8 and missing for council 3 (excluded). Moved
2, 1, 1.5: a national cost of £4.5m. The formula clawback (x0 = 1, 1, 2 over the included)
is 1.125, 1.125, 2.25, so net gains are +0.875, -0.125, -0.75.

2023-24: placement spend 2, 2, 2, 2 (moved 1 each), budget 5 each, outturn 5.1, 4, 6, 8
(overspend 0.1, -1, 1, 3); clawback of 4 by x0 = 1, 1, 2, 1: 0.8, 0.8, 1.6, 0.8.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from fundmodel.data.authorities import Authorities, authorities_from_frame
from fundmodel.errors import DataError
from fundmodel.parameters import shipped
from fundmodel.scenarios.debate.care_bank import PLACEMENT_LINES, CareBankScenario
from fundmodel.testing import synthetic_authorities

HEADER = {"title": "Bank", "assumes": "a"}
EQUAL = {"name": "x0", "indicators": [{"name": "x0", "column": "x0", "weight": 1.0}]}
M = 1e6


def _councils() -> Authorities:
    frame = synthetic_authorities([[1.0], [1.0], [2.0], [1.0]]).to_frame()
    cols = {
        "ro3_lac_residential_net_2024_25": [3, 1, 0, 2],
        "ro3_lac_fostering_net_2024_25": [1, 1, 2, 1],
        "ro3_lac_other_net_2024_25": [0, 0, 1, 0],
        "ro3_lac_uasc_net_2024_25": [4, 0, 0, 0],
        "ro3_csc_net_2024_25": [10, 6, 8, np.nan],
        "ro3_lac_residential_net_2023_24": [2, 2, 0, 1],
        "ro3_lac_fostering_net_2023_24": [0, 0, 2, 1],
        "ro3_lac_other_net_2023_24": [0, 0, 0, 0],
        "ra_budget_csc_net_2023_24": [5, 5, 5, 5],
        "ro3_csc_net_2023_24": [5.1, 4, 6, 8],
    }
    for k, v in cols.items():
        frame[k] = np.array(v, dtype=np.float64) * M
    return authorities_from_frame(frame)


def _run(adjustment: str = "formula", **kw: object):  # type: ignore[no-untyped-def]
    s = CareBankScenario(header=HEADER, coverage=0.5, adjustment=adjustment, formula=EQUAL,
                         missing="exclude", **kw)
    return s.run(_councils())


def _close(values: list[float], want: list[float]) -> None:
    assert len(values) == len(want)
    for v, w in zip(values, want, strict=True):
        assert (math.isnan(v) and math.isnan(w)) or v == pytest.approx(w), (values, want)


def test_frame_by_hand() -> None:
    r = _run()
    f = r.to_frame()
    assert list(f.columns) == [
        "code", "name", "region", "period", "residential_spend", "fostering_spend",
        "other_spend", "moved_to_bank", "csc_spend", "remaining_budget", "clawback", "net_gain",
        "outcome", "adjustment", "budget_2023_24", "outturn_2023_24", "moved_2023_24",
        "clawback_2023_24", "overspend_2023_24", "overspend_change_2023_24",
        "overspend_with_bank_2023_24", "included", "note"]
    nan = math.nan
    assert f["code"].tolist() == [f"E06{900000 + i:06d}" for i in range(4)]
    assert f["name"].tolist() == [f"Council {i}" for i in range(4)]
    assert f["region"].tolist() == r.authorities.regions.tolist()
    assert f["period"].tolist() == ["2024-25"] * 4
    _close(f["residential_spend"].tolist(), [3 * M, 1 * M, 0.0, nan])
    _close(f["fostering_spend"].tolist(), [1 * M, 1 * M, 2 * M, nan])
    _close(f["other_spend"].tolist(), [0.0, 0.0, 1 * M, nan])
    _close(f["moved_to_bank"].tolist(), [2 * M, 1 * M, 1.5 * M, nan])
    _close(f["csc_spend"].tolist(), [10 * M, 6 * M, 8 * M, nan])
    _close(f["remaining_budget"].tolist(), [8 * M, 5 * M, 6.5 * M, nan])
    _close(f["clawback"].tolist(), [1.125 * M, 1.125 * M, 2.25 * M, nan])
    _close(f["net_gain"].tolist(), [0.875 * M, -0.125 * M, -0.75 * M, nan])
    assert f["outcome"].tolist() == ["gain", "loss", "loss", "excluded"]
    assert f["adjustment"].tolist() == ["formula"] * 4
    _close(f["budget_2023_24"].tolist(), [5 * M] * 4)
    _close(f["outturn_2023_24"].tolist(), [5.1 * M, 4 * M, 6 * M, 8 * M])
    _close(f["moved_2023_24"].tolist(), [1 * M] * 4)
    _close(f["clawback_2023_24"].tolist(), [0.8 * M, 0.8 * M, 1.6 * M, 0.8 * M])
    _close(f["overspend_2023_24"].tolist(), [0.1 * M, -1 * M, 1 * M, 3 * M])
    _close(f["overspend_change_2023_24"].tolist(), [-0.2 * M, -0.2 * M, 0.6 * M, -0.2 * M])
    _close(f["overspend_with_bank_2023_24"].tolist(),
           [-0.1 * M, -1.2 * M, 1.6 * M, 2.8 * M])
    assert f["included"].tolist() == [True, True, True, False]
    assert f["note"].tolist() == ["", "", "", "ro3_csc_net_2024_25 missing"]


def test_totals_amounts_and_counts() -> None:
    r = _run()
    assert r.national_cost() == 4.5 * M
    assert r.moved_pence.dtype == np.int64 and r.clawback_pence.dtype == np.int64
    assert int(r.clawback_pence.sum()) == 450_000_000  # to the penny
    a = r.council_amounts()
    assert a.name == "Bank"
    assert a.index.tolist() == ["E06900000", "E06900001", "E06900002"]
    assert a.tolist() == [0.875 * M, -0.125 * M, -0.75 * M]
    assert r.winners_losers() == {"gain": 1, "loss": 2, "no change": 0, "excluded": 1}
    assert repr(r) == "CareBankResult('Bank', national_cost=4,500,000, adjustment='formula')"


def test_no_adjustment_and_own_spend() -> None:
    r = _run("none")
    _close(r.to_frame()["clawback"].tolist(), [0.0, 0.0, 0.0, math.nan])
    _close(r.net_gain().tolist(), [2 * M, 1 * M, 1.5 * M, math.nan])
    assert r.winners_losers() == {"gain": 3, "loss": 0, "no change": 0, "excluded": 1}
    _close(r.to_frame()["overspend_with_bank_2023_24"].tolist(),
           [-0.9 * M, -2 * M, 0.0, 2 * M])
    own = _run("own_spend")
    _close(own.net_gain().tolist(), [0.0, 0.0, 0.0, math.nan])
    assert own.winners_losers() == {"gain": 0, "loss": 0, "no change": 3, "excluded": 1}
    assert own.to_frame()["outcome"].tolist() == ["no change"] * 3 + ["excluded"]


def test_asylum_line_and_no_overspend_year() -> None:
    r = _run(lines=("asylum_seekers",), overspend_period=None)
    f = r.to_frame()
    assert "overspend_2023_24" not in f.columns and "budget_2023_24" not in f.columns
    _close(f["asylum_seekers_spend"].tolist(), [4 * M, 0.0, 0.0, math.nan])
    assert r.national_cost() == 2 * M
    assert PLACEMENT_LINES["asylum_seekers"] == "ro3_lac_uasc_net"
    text = r.summary()
    assert not any(x.startswith("  2023-24") for x in text.splitlines())
    assert not any("ra_budget" in s for s in r.sources())


def test_summary_by_hand() -> None:
    lines = _run().summary().splitlines()
    lga = shipped("care_bank")["lga_placement_spend_2022_23"]
    assert lines[0] == "Bank: 3 of 4 councils, 2024-25 outturn"
    # a number typed by the user is an assumption, and the line says so
    assert lines[1] == ("  national cost £4.5m a year: 50% (coverage) of RO3 lines residential, "
                        "fostering, other (coverage is an ASSUMPTION)")
    assert lines[2] == (f"  reference: LGA survey placement spend £{lga.value / 1000:.2f}bn in "
                        "2022-23 (care_bank.yaml#lga_placement_spend_2022_23)")
    assert lines[3] == "  children's services spend remaining with councils £19.5m"
    assert lines[4] == ("  grant adjustment 'formula': clawback £4.5m; 1 councils gain, 2 lose, "
                        "0 unchanged")
    assert lines[5] == ("  2023-24: overspend £3.1m across 4 councils with budget and outturn; "
                        "with the Bank £3.1m (2 overspending, down from 3)")
    assert lines[6] == ("  note: 1 council(s) excluded for missing outturn "
                        "(see to_frame()['note'])")
    assert lines[7].startswith("  sources: ")
    assert len(lines) == 8
    page = _run()._repr_html_()
    assert "<strong>Bank</strong>" in page
    assert "<td>national cost a year</td><td style='text-align:right'>£4.5m</td>" in page
    assert "<td>grant adjustment</td><td style='text-align:right'>formula</td>" in page
    assert "<td>councils gaining / losing</td><td style='text-align:right'>1 / 2</td>" in page
    assert "<li>  children&#x27;s services spend remaining with councils £19.5m</li>" in page
    assert "<li>  national cost £4.5m a year: 50% (coverage)" in page


def test_the_shipped_coverage_is_cited() -> None:
    s = CareBankScenario(header=HEADER, adjustment="none", missing="exclude")
    r = s.run(_councils())
    cov = shipped("care_bank")["care_bank_coverage"]
    line = r.summary().splitlines()[1]
    assert line.startswith(f"  national cost £9.0m a year: {100 * cov.value:.0f}% "
                           "(care_bank.yaml#care_bank_coverage) of RO3 lines")
    assert ("ASSUMPTION" in line) == cov.assumption
    if not cov.assumption:
        assert line.endswith(" of RO3 lines residential, fostering, other")
    own = CareBankScenario(header=HEADER, adjustment="own_spend", missing="exclude").run(
        _councils())
    assert own.summary().splitlines()[4] == (
        "  grant adjustment 'own_spend': clawback £9.0m; 0 councils gain, 0 lose, 3 unchanged")
    assert r.sources()[0] == cov.cite()
    assert s.parameters() == [s.coverage]


def test_missing_outturn_is_an_error_by_default() -> None:
    s = CareBankScenario(header=HEADER, coverage=0.5)
    with pytest.raises(DataError, match=r"Care Bank, 2024-25 outturn: values missing for 1 "
                       r"council\(s\): E06900003 Council 3 \(ro3_csc_net_2024_25 missing\)"):
        s.run(_councils())


def test_missing_overspend_year_is_reported_per_council() -> None:
    la = _councils()
    frame = la.to_frame()
    frame.loc[1, "ra_budget_csc_net_2023_24"] = np.nan
    r = CareBankScenario(header=HEADER, coverage=0.5, adjustment="own_spend",
                         missing="exclude").run(authorities_from_frame(frame))
    f = r.to_frame()
    assert r.overspend_included.tolist() == [True, False, True, True]
    assert math.isnan(f["overspend_2023_24"].iloc[1])
    assert math.isnan(f["overspend_with_bank_2023_24"].iloc[1])
    _close(f["overspend_with_bank_2023_24"].tolist(), [0.1 * M, math.nan, 1 * M, 3 * M])
    assert "across 3 councils with budget and outturn" in r.summary()


def test_outcome_needs_a_whole_pound() -> None:
    # £1.50, £0.50 and £1.50 moved; the formula (x0 = 0, 1, 2) claws back the £3.50 as
    # 0, 117p and 233p: a £1.50 gain counts, a loss under £1 is "no change"
    frame = synthetic_authorities([[0.0], [1.0], [2.0]]).to_frame()
    frame["ro3_lac_residential_net_2024_25"] = [1.5, 0.5, 1.5]
    frame["ro3_csc_net_2024_25"] = [10.0, 10.0, 10.0]
    s = CareBankScenario(header=HEADER, lines=("residential",), coverage=1.0,
                         overspend_period=None, adjustment="formula", formula=EQUAL)
    r = s.run(authorities_from_frame(frame))
    _close(r.to_frame()["clawback"].tolist(), [0.0, 1.17, 2.33])
    _close(r.net_gain().tolist(), [1.5, -0.67, -0.83])
    assert r.to_frame()["outcome"].tolist() == ["gain", "no change", "no change"]


def test_missing_overspend_year_is_an_error_by_default() -> None:
    frame = _councils().to_frame()
    frame.loc[3, "ro3_csc_net_2024_25"] = 1 * M
    frame.loc[1, "ra_budget_csc_net_2023_24"] = np.nan
    s = CareBankScenario(header=HEADER, coverage=0.5)
    with pytest.raises(DataError, match=r"Care Bank, 2023-24 overspend: values missing for 1 "
                       r"council\(s\): E06900001 Council 1 \(ra_budget_csc_net_2023_24 "
                       r"missing\)"):
        s.run(authorities_from_frame(frame))
    ok = CareBankScenario(header=HEADER, coverage=0.5, overspend_period=None).run(
        authorities_from_frame(frame))
    assert ok.included.all() and "note:" not in ok.summary()
    with_budget, without = _run().sources(), ok.sources()
    assert without == with_budget[:len(without)] and len(with_budget) == len(without) + 1
    assert "Revenue Account (RA) budget" in with_budget[-1]
