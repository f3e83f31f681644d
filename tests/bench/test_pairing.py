"""
Paired runs (bench/pairing.py): the order the benchmark measures a ratio's
two sides in, and how a ratio is judged. No timing: the measures here are
plain functions.
"""

from bench import pairing
from bench.run import PAIRED_ORDER, PAIRED_TARGETS


def recording(order: list[str], name: str, values: list[float]):
    """A measure that notes its turn in order and answers the next of values."""
    answers = iter(values)

    def measure() -> float:
        order.append(name)
        return next(answers)

    return measure


def test_pairs_run_a_first_then_b_first_in_turn():
    order = []

    pairing.paired(recording(order, "A", [1, 1, 1, 1]), recording(order, "B", [1, 1, 1, 1]), pairs=4)

    assert "".join(order) == "ABBAABBA"


def test_each_pair_is_a_then_b_whichever_ran_first():
    measured = pairing.paired(recording([], "A", [10, 20, 30]), recording([], "B", [1, 2, 3]), pairs=3)

    assert measured == [(10, 1), (20, 2), (30, 3)]
    assert pairing.ratios(measured) == [10, 10, 10]


def test_a_chain_runs_forward_then_backward_so_that_neighbours_are_paired_abba():
    order = []
    measures = {name: recording(order, name, [1, 1, 1]) for name in "XYZ"}

    rounds = pairing.in_turns(measures, rounds=3)

    assert "".join(order) == "XYZZYXXYZ"
    assert pairing.pairs_of(rounds, "X", "Y") == [(1, 1)] * 3


def test_a_ratio_of_fewer_than_seven_pairs_is_never_met():
    assert not pairing.at_least([(1.0, 1.0)] * 6, 0.5)
    assert pairing.at_least([(1.0, 1.0)] * 7, 0.5)


def test_a_ratio_is_judged_by_the_median_of_its_pairs_not_their_mean():
    one_bad_pair = [(0.1, 1.0)] + [(0.9, 1.0)] * 6

    assert pairing.at_least(one_bad_pair, 0.85)
    assert not pairing.at_least(one_bad_pair, 0.95)


def test_a_pair_whose_b_answered_nothing_is_outvoted_not_a_crash():
    measured = [(50.0, 0.0)] + [(90.0, 100.0)] * 6

    assert pairing.ratios(measured)[0] == float("inf")
    assert not pairing.at_least(measured, 0.95)


def test_the_description_gives_the_median_the_pairs_spread_and_each_sides_speed():
    measured = [(80.0, 100.0), (90.0, 100.0), (120.0, 100.0)]

    assert (
        pairing.describe(measured)
        == "0.90 (median of 3 pairs, ABBA; pairs 0.80 to 1.20; 90 against 100 req/s)"
    )


def test_every_ratio_the_benchmark_pairs_in_its_chain_names_two_neighbours_of_it():
    assert [
        name
        for name, (scenario, against, _at_least) in PAIRED_TARGETS.items()
        if not pairing.neighbours(list(PAIRED_ORDER), scenario, against)
    ] == []
