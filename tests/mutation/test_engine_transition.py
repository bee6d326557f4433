"""Multi-year transitions (fundmodel.engine.transition) on two to five councils worked by
hand: the flags for councils held at a floor or a ceiling, per-year targets and bounds,
the errors (with their amounts), years to converge, and the batch over weight variants
(with floor groups, a ceiling and the resources adjustment)."""

from __future__ import annotations

import numpy as np
import pytest

from fundmodel.data.authorities import authorities_from_frame
from fundmodel.engine.formula import Indicator, NeedsFormula
from fundmodel.engine.resources import Resources
from fundmodel.engine.transition import (
    TransitionPlan,
    run_transition,
    transition_batch,
    year_bounds,
    years_to_converge,
)
from fundmodel.errors import (
    DataError,
    FormulaError,
    InfeasibleDampingError,
    InvalidInputError,
    ScenarioError,
)
from fundmodel.testing import formula_for, synthetic_authorities

YEARS = ["2026-27", "2027-28", "2028-29"]
TIE = np.arange(5)


def _plan(**fields: object) -> TransitionPlan:
    return TransitionPlan.model_validate({"years": YEARS[:1], "phasing": [1], **fields})


def test_floor_flags_only_councils_lifted_to_their_floor() -> None:
    # from 200 each, floor -50% (100); aims 450 | 100 | 200 | 50: council 3 is lifted by
    # 50, paid from council 0's gain of 250 (lam 0.8: 400); council 1 sits exactly on its
    # floor and council 2 does not move, so neither is flagged
    r = run_transition(np.array([[9, 2, 4, 1]]) / 16, np.full(4, 200.0),
                       _plan(pots=[800], floor=-0.5), TIE[:4])
    assert r.aim.tolist() == [[[450.0, 100.0, 200.0, 50.0]]]
    assert r.amount_pence.tolist() == [[[40000, 10000, 20000, 10000]]]
    assert r.floor_bound.tolist() == [[[False, False, False, True]]]
    assert r.floor_bound.dtype == np.bool_ and r.ceiling_bound.dtype == np.bool_
    assert r.ceiling_bound.tolist() == [[[False] * 4]]
    assert r.gain_scale.tolist() == [[pytest.approx(0.8)]]


def test_ceiling_flags_only_councils_held_down_by_it() -> None:
    # from 100 each, ceiling +25% (125), aims 150 | 125 | 110 | 110 | 5: council 0 is held
    # at 125; council 1 aims exactly at the ceiling and gets it; the 25 council 0 loses
    # goes to the gainers: 125 + 125 + 2 x (100 + 10 lam) + 5 = 500, lam 2.25 -> 122.50
    r = run_transition(np.array([[150, 125, 110, 110, 5]]) / 500, np.full(5, 100.0),
                       _plan(pots=[500], ceiling=0.25), TIE)
    assert r.amount_pence.tolist() == [[[12500, 12500, 12250, 12250, 500]]]
    assert r.ceiling_bound.tolist() == [[[True, False, False, False, False]]]
    assert r.floor_bound.tolist() == [[[False] * 5]]
    assert r.gain_scale.tolist() == [[pytest.approx(2.25)]]


def test_floor_and_ceiling_a_scaled_down_gainer_is_not_at_its_ceiling() -> None:
    # from 100 each, floor -20% (80), ceiling +20% (120); aims 130 | 101 | 69: council 2 is
    # lifted by 11 from gains of 30 + 1, lam = 20/31: council 0 gets 100 + 600/31 =
    # 119.35, below its ceiling; council 1 100.65 (the spare penny: .516 > .484)
    r = run_transition(np.array([[130, 101, 69]]) / 300, np.full(3, 100.0),
                       _plan(pots=[300], floor=-0.2, ceiling=0.2), TIE[:3])
    assert r.amount_pence.tolist() == [[[11935, 10065, 8000]]]
    assert r.ceiling_bound.tolist() == [[[False, False, False]]]
    assert r.floor_bound.tolist() == [[[False, False, True]]]
    assert r.gain_scale.tolist() == [[pytest.approx(20 / 31)]]


def test_aims_are_the_phased_mix_and_targets_may_change_by_year() -> None:
    # baseline shares 0.75 | 0.25; year 1 target 0.25 | 0.75 of 200 at phasing 1/2:
    # aim = 0.5 x 150 + 0.5 x 50 = 100 | 100; year 2 target 0.5 | 0.5 of 100, phasing 1
    plan = TransitionPlan(years=YEARS[:2], pots=[200, 100], phasing=[0.5, 1])
    shares = np.array([[[0.25, 0.75], [0.5, 0.5]]])
    r = run_transition(shares, np.array([300.0, 100.0]), plan, TIE[:2])
    assert r.aim.tolist() == [[[100.0, 100.0], [50.0, 50.0]]]
    assert r.target_pence.tolist() == [[[5000, 15000], [5000, 5000]]]
    assert r.amount_pence.tolist() == [[[10000, 10000], [5000, 5000]]]
    assert r.gain_scale.tolist() == [[1.0, 1.0]]


def test_plan_floors_and_ceilings_by_year_without_bounds_passed() -> None:
    # run_transition reads the plan's own values. Year 1: 100 | 100 aiming 160 | 40 with
    # floor -10%: council 1 gets 90, council 0 110; year 2 floor -50% (45), ceiling none:
    # aims 160 | 40 from 110 | 90 -> 40 is below 45: lifted, council 0 155
    plan = TransitionPlan(years=YEARS[:2], pots=[200, 200], phasing=[1, 1],
                          floor=(-0.1, -0.5))
    r = run_transition(np.array([[0.8, 0.2]]), np.array([100.0, 100.0]), plan, TIE[:2])
    assert r.amount_pence.tolist() == [[[11000, 9000], [15500, 4500]]]
    assert r.floor_bound.tolist() == [[[False, True], [False, True]]]


def test_real_terms_uprating_each_year_from_the_year_before() -> None:
    # prices 100, 110, 121: last year's cash is worth 10% more each year
    deflator = {"name": "test", "base_year": "2025-26",
                "points": [{"year": "2025-26", "index": 100}, {"year": "2026-27", "index": 110},
                           {"year": "2027-28", "index": 121}]}
    plan = TransitionPlan(years=YEARS[:2], pots=[1, 1], phasing=[1, 1], terms="real",
                          deflator=deflator)
    assert plan.uprating().tolist() == [pytest.approx(1.1), pytest.approx(1.1)]
    assert TransitionPlan(years=YEARS[:2], pots=[1, 1], phasing=[1, 1]).uprating().tolist() \
        == [1.0, 1.0]


def test_a_zero_baseline_is_refused() -> None:
    with pytest.raises(ScenarioError) as caught:
        run_transition(np.array([[0.5, 0.5]]), np.array([0.0, 0.0]), _plan(pots=[10]),
                       TIE[:2])
    assert str(caught.value) == "the transition baseline is zero for every council"


def test_an_unaffordable_floor_names_the_variant_year_and_amounts() -> None:
    # variant 0 rises from 400k | 400k to 800k; variant 1 falls from 500k each to 400k
    # each, below its 450k floors: protection 100k, no gains, 100k short
    baseline = np.array([[400_000.0, 400_000.0], [500_000.0, 500_000.0]])
    with pytest.raises(InfeasibleDampingError) as caught:
        run_transition(np.array([[0.5, 0.5], [0.5, 0.5]]), baseline,
                       _plan(pots=[800_000], floor=-0.1), TIE[:2])
    assert str(caught.value) == (
        "transition year 2026-27: the floor is infeasible (variant 1): protecting councils at "
        "their floors costs £100.0k but gains above last year total only £0.00; the pot is "
        "£100.0k short")
    # 50p short of a £100 pot is still refused
    with pytest.raises(InfeasibleDampingError, match=r"the pot is £0\.50 short"):
        run_transition(np.array([[0.5, 0.5]]), np.array([50.0, 50.0]),
                       _plan(pots=[89.5], floor=-0.1), TIE[:2])


def test_an_unaffordable_ceiling_names_the_year() -> None:
    plan = TransitionPlan(years=YEARS[:2], pots=[200, 300], phasing=[1, 1], ceiling=0.0)
    with pytest.raises(InfeasibleDampingError) as caught:
        run_transition(np.array([[0.5, 0.5]]), np.array([100.0, 100.0]), plan, TIE[:2])
    assert str(caught.value) == (
        "transition year 2027-28: ceiling of +0.0% is infeasible (variant 0): with every "
        "gainer at its ceiling, £100.00 of the pot cannot be allocated")


def test_plan_bounds_per_year_groups_and_ceilings() -> None:
    la = synthetic_authorities([[1.0]] * 3)
    plan = TransitionPlan(years=YEARS[:2], pots=[1, 1], phasing=[1, 1], floor=(-0.1, None),
                          ceiling=(None, 0.3),
                          floor_groups=[{"name": "g", "councils": ["Council 1"],
                                         "floor": (0.0, -0.2)}])
    floors, ceilings = plan.bounds(la)
    assert floors is not None and ceilings is not None
    np.testing.assert_array_equal(floors, [[-0.1, 0.0, -0.1], [np.nan, -0.2, np.nan]])
    np.testing.assert_array_equal(ceilings, [[np.nan] * 3, [0.3] * 3])
    floors, ceilings = TransitionPlan(years=YEARS[:1], pots=[1], phasing=[1]).bounds(la)
    assert floors is None and ceilings is None
    only_ceiling = TransitionPlan(years=YEARS[:1], pots=[1], phasing=[1], ceiling=0.3)
    floors, ceilings = only_ceiling.bounds(la)
    assert floors is None and ceilings is not None and ceilings.tolist() == [[0.3] * 3]
    nowhere = TransitionPlan(years=YEARS[:1], pots=[1], phasing=[1],
                             floor_groups=[{"name": "g", "councils": ["Nowhere"], "floor": 0}])
    with pytest.raises(DataError) as caught:
        nowhere.bounds(la)
    assert str(caught.value).startswith("floor group 'g': no council 'Nowhere' in synthetic "
                                        "authorities (3 councils)")


def test_year_bounds_councils_without_a_floor_may_lose_everything() -> None:
    floor, ceiling = year_bounds(np.array([[np.nan, 0.0]]), None, 0)
    assert floor is not None and floor.tolist() == [-1.0, 0.0] and ceiling is None
    # a floor group alone: council 0 (no floor) falls to its aim, council 1 is held
    plan = TransitionPlan(years=YEARS[:1], pots=[200], phasing=[1],
                          floor_groups=[{"name": "g", "councils": ["Council 1"], "floor": 0}])
    la = synthetic_authorities([[1.0]] * 3)
    floors, ceilings = plan.bounds(la)
    r = run_transition(np.array([[0.1, 0.4, 0.5]]), np.array([50.0, 100.0, 50.0]), plan,
                       TIE[:3], floors=floors, ceilings=ceilings)
    # aims 20 | 80 | 100: council 1 lifted by 20 from council 2's gain of 50 (lam 0.6)
    assert r.amount_pence.tolist() == [[[2000, 10000, 8000]]]
    assert r.floor_bound.tolist() == [[[False, True, False]]]
    with pytest.raises(ScenarioError) as caught:
        year_bounds(None, np.array([[0.1, np.nan]]), 0)
    assert str(caught.value) == "a ceiling applies to every council or to none"


def test_phasing_that_is_not_a_number_is_named() -> None:
    with pytest.raises(InvalidInputError) as caught:
        TransitionPlan(years=YEARS[:1], pots=[1], phasing=["a third"])
    assert "phasing 'a third' is not a number or a fraction like '1/3'" in str(caught.value)


def test_years_to_converge_within_the_horizon() -> None:
    # three years, targets 100 each (within 0.5% + 1p: 0.51): council 0 is there from
    # year 1, council 1 from year 2, council 2 leaves and comes back (year 3), council 3
    # is off at the end and, with no floors, at target the year after (4); council 4 is
    # 0.50 off (inside the band) and council 5 1.00 off (outside) in the last year
    start = np.array([[100.0, 50.0, 100.0, 100.0, 100.0, 100.0],
                      [100.0, 100.0, 50.0, 100.0, 100.0, 100.0],
                      [100.0, 100.0, 100.0, 50.0, 100.5, 101.0]])
    first = years_to_converge(start, np.full(6, 1 / 6), 600.0, None, None, 0.005, 3)
    assert first.tolist() == [1.0, 2.0, 3.0, 4.0, 1.0, 4.0]


def test_years_to_converge_the_edge_of_the_band_counts() -> None:
    edge = 103.61
    assert abs(edge - 100.0) == 0.036 * 100.0 + 0.01  # exactly on the edge
    first = years_to_converge(np.array([[edge, 100.0]]), np.array([0.5, 0.5]), 200.0, None,
                              None, 0.036, 1)
    assert first.tolist() == [1.0, 1.0]


def test_years_to_converge_past_the_horizon_with_a_floor() -> None:
    # 90 | 100 | 110 towards 50 | 100 | 150: council 0 falls 10% a year from 90 (81, 72.9,
    # 65.61, 59.05, 53.14, then held at 50 in year 7); council 2 takes what it gives up;
    # council 1 is there from year 1
    first = years_to_converge(np.array([[90.0, 100.0, 110.0]]), np.array([50, 100, 150]) / 300,
                              300.0, np.full(3, -0.1), None, 0.005, 1)
    assert first.tolist() == [7.0, 1.0, 7.0]


def test_years_to_converge_with_a_ceiling() -> None:
    # 150 | 50 | 200 towards 100 | 70 | 230, each council rising at most 25% a year:
    # year 2 council 1 is held at 62.50 and council 2 takes its 7.50 (237.50, 7.50 off);
    # year 3 council 1 may reach 78.125, so everyone is at target
    first = years_to_converge(np.array([[150.0, 50.0, 200.0]]),
                              np.array([100.0, 70.0, 230.0]) / 400, 400.0, None,
                              np.full(3, 0.25), 0.005, 1)
    assert first.tolist() == [2.0, 3.0, 3.0]


def test_years_to_converge_gives_up() -> None:
    # no council may gain (ceiling 0): council 1 can never rise, the floors never be paid
    first = years_to_converge(np.array([[150.0, 50.0]]), np.array([0.5, 0.5]), 200.0,
                              None, np.array([0.0, 0.0]), 0.005, 1)
    assert first.tolist() == [np.inf, np.inf]
    # council 0 at 90 falling 10% a year reaches 50 in year 7: not within 6 years
    slow = [np.array([[90.0, 110.0]]), np.array([0.25, 0.75]), 200.0, np.full(2, -0.1),
            None, 0.005, 1]
    assert years_to_converge(*slow, max_years=6).tolist() == [np.inf, np.inf]  # type: ignore[arg-type]
    assert years_to_converge(*slow, max_years=7).tolist() == [7.0, 7.0]  # type: ignore[arg-type]


def test_years_to_converge_gives_up_after_500_years_by_default() -> None:
    # council 0 falls 0.1% a year from 100 in year 1 (floor -0.1%) towards a target it
    # would reach in year 501: 100 x 0.999^499 = 60.70 (0.36 off), 0.999^500 = 60.64 (0.30
    # off, inside the band of 0.31)
    # off, inside the band of 0.31); council 1 rises by what council 0 gives up
    target = np.array([100 * 0.999 ** 500 - 0.3, 0.0])
    target[1] = 200.0 - target[0]
    first = years_to_converge(np.array([[100.0, 100.0]]), target / 200.0, 200.0,
                              np.full(2, -0.001), None, 0.005, 1)
    # a plain loop over the years for council 1
    amount, year = 100.0, 1
    while abs((200.0 - amount) - target[1]) > 0.005 * target[1] + 0.01:
        amount, year = amount * 0.999, year + 1
    assert 480 < year < 500
    assert first.tolist() == [np.inf, float(year)]


def _la_with_tax_base() -> object:
    frame = synthetic_authorities([[1.0], [1.0], [2.0]]).to_frame()
    frame["tax_base"] = [0.0, 10.0, 0.0]
    return authorities_from_frame(frame, "test", geography="custom")


def test_batch_with_the_resources_adjustment_each_year() -> None:
    # need shares 0.25 | 0.25 | 0.5, resources 0 | 10 | 0. £100: 0.25X + 0.25X - 10 + 0.5X
    # = 100, X = 110: 27.50 | 17.50 | 55. £0.50: council 1 is cut to zero, 0.75X = 0.5:
    # 0.1667 | 0 | 0.3333 -> 17p | 0 | 33p (the spare penny to the larger fraction, .67)
    la = _la_with_tax_base()
    formula = NeedsFormula(name="r", indicators=(Indicator(name="x0", column="x0",
                                                           weight=1.0),),
                           resources=Resources(tax_base="tax_base", notional_band_d=1.0,
                                               resource_share=1.0))
    plan = TransitionPlan(years=YEARS, pots=[100, 0.5, 0], phasing=[1, 1, 1])
    batch = transition_batch(formula, la, np.array([[1.0], [1.0]]),  # type: ignore[arg-type]
                             np.array([40.0, 30.0, 30.0]), plan)
    assert batch.dtype == np.int64
    assert batch.tolist() == [[[2750, 1750, 5500], [17, 0, 33], [0, 0, 0]]] * 2


def test_batch_chunks_floor_groups_and_ceilings() -> None:
    # need shares 0.6 | 0.2 | 0.2 of 300 from 100 each (aims 180 | 60 | 60) under
    # floor -10% and Council 2 in a 0% group: Council 1 +30, Council 2 +40 from a gain
    # of 80 (lam 1/8): 110 | 90 | 100
    la = synthetic_authorities([[3.0, 1.0], [1.0, 1.0], [1.0, 1.0]])
    grouped = TransitionPlan(years=YEARS[:1], pots=[300], phasing=[1], floor=-0.1,
                             floor_groups=[{"name": "p", "councils": ["Council 2"],
                                            "floor": 0.0}])
    weights = np.array([[1.0, 0.0], [1.0, 0.0], [0.0, 1.0]])
    base = np.full(3, 100.0)
    batch = transition_batch(formula_for([1.0, 0.0]), la, weights, base, grouped, chunk=1)
    assert batch.tolist() == [[[11000, 9000, 10000]]] * 2 + [[[10000, 10000, 10000]]]
    # a ceiling of +30% (and a floor of -60%, not reached): aims 140 | 110 | 50 from 100;
    # council 0 held at 130, its 10 goes to council 1's gain of 10 (lam 2): 120
    la = synthetic_authorities([[14.0], [11.0], [5.0]])
    capped = TransitionPlan(years=YEARS[:1], pots=[300], phasing=[1], floor=-0.6, ceiling=0.3)
    batch = transition_batch(formula_for([1.0]), la, np.array([[1.0]]), base, capped)
    assert batch.tolist() == [[[13000, 12000, 5000]]]


def test_batch_checks_the_weights() -> None:
    la = synthetic_authorities([[1.0, 1.0], [2.0, 1.0]])
    plan = TransitionPlan(years=YEARS[:1], pots=[10], phasing=[1])
    with pytest.raises(FormulaError, match=r"variant 0 sums to 1\.1"):
        transition_batch(formula_for([0.5, 0.5]), la, np.array([[0.5, 0.6]]),
                         np.array([5.0, 5.0]), plan)


def test_a_floor_that_takes_every_gain_exactly_is_paid() -> None:
    # £562.266m | £260.16m | £150.063m, pot 0.9 x the first two + the third: councils 0 and
    # 1 aim 20% and 15% down, below their -10% floors; council 2's gain is exactly what
    # lifting them costs (the sums differ by 6e-8 pounds of float rounding, not a shortfall)
    base = np.array([562_266_000.0, 260_160_000.0, 150_063_000.0])
    pot = 0.9 * base[0] + 0.9 * base[1] + base[2]
    aims = np.array([0.8 * base[0], 0.85 * base[1], 0.0])
    aims[2] = pot - aims[0] - aims[1]
    r = run_transition((aims / pot)[None, :], base, _plan(pots=[pot], floor=-0.1), TIE[:3])
    assert r.amount_pence.tolist() == [[[50_603_940_000, 23_414_400_000, 15_006_300_000]]]


def test_years_to_converge_past_the_horizon_the_edge_of_the_band_counts() -> None:
    # council 0 falls 10% from 115.1222 to 103.61, exactly 3.61 (0.036 x 100 + 0.01) above
    # its target of 100, in year 2: there; council 1 rises to 296.39 (inside 10.81)
    start = np.array([[115.12222222222222, 400.0 - 115.12222222222222]])
    first = years_to_converge(start, np.array([0.25, 0.75]), 400.0, np.full(2, -0.1), None,
                              0.036, 1)
    assert first.tolist() == [2.0, 2.0]


def test_years_to_converge_a_council_pushed_out_of_its_band_again_is_not_there_yet() -> None:
    # 99.60 | 50 | 250.40 towards 100 | 70 | 230, gains at most +25% a year: council 0 is
    # inside its band in year 1, but in year 2 council 1 is held at 62.50 and council 2
    # falls to 230, so council 0 gets 400 - 62.50 - 230 = 107.50 (7.5% over); in year 3
    # everyone is at target
    first = years_to_converge(np.array([[99.6, 50.0, 250.4]]),
                              np.array([100.0, 70.0, 230.0]) / 400, 400.0, None,
                              np.full(3, 0.25), 0.005, 1)
    assert first.tolist() == [3.0, 3.0, 2.0]
