"""
Paired runs (bench/run.py): how a ratio of speeds is measured on a machine
whose speed drifts.

A shared virtual machine's speed varies from one second to the next by
more than many of the differences the benchmark looks for. So a ratio of
two speeds is measured in pairs of short runs, one right after the other,
the order swapped every other pair (A B, B A, A B, ...: ABBA): a machine
that speeds up or slows down during the pairs favours neither side. Each
pair gives a ratio; the figure is the median of the ratios, which one pair
that met a burst of other work does not move. Several ratios that share a
side are measured in one chain of rounds (A B C, C B A, ...), in which
every two neighbours are such pairs.

Every paired comparison of the benchmark is made here: Redis against
database sessions, the session lab on against off, a logged-in request
against the anonymous one, a catalog page against the JSON route, the shop
against its Express peer.
"""

from collections.abc import Callable
from statistics import median

# A paired figure is judged on at least this many pairs (issue 24): fewer
# (BENCH_PAIRS set low for a quick look) is reported, never counted as met.
MIN_PAIRS = 7


def abba(rounds: int) -> list[bool]:
    """For each round, whether it runs in the given order (A B) or in reverse (B A): A B, B A, A B, ..."""
    return [number % 2 == 0 for number in range(rounds)]


def in_turns(
    measures: dict[str, Callable[[], float]],
    *,
    rounds: int,
    report: Callable[[int, dict[str, float]], None] = lambda number, measured: None,
) -> list[dict[str, float]]:
    """
    Every measure once a round, one right after the other, in the given
    order one round and in reverse the next: any two neighbours in the order
    are measured ABBA. Each round's measurements by name; report(round
    number, measurements) after each.
    """
    names = list(measures)
    measured_rounds = []
    for number, forward in enumerate(abba(rounds), start=1):
        measured = {name: measures[name]() for name in (names if forward else reversed(names))}
        measured_rounds.append(measured)
        report(number, measured)
    return measured_rounds


def neighbours(names: list[str], a: str, b: str) -> bool:
    """Whether a and b are next to each other in the order in_turns takes: only then are they paired."""
    return abs(names.index(a) - names.index(b)) == 1


def pairs_of(measured_rounds: list[dict[str, float]], a: str, b: str) -> list[tuple[float, float]]:
    """The pairs (a's, b's) of each round."""
    return [(measured[a], measured[b]) for measured in measured_rounds]


def paired(
    measure_a: Callable[[], float],
    measure_b: Callable[[], float],
    *,
    pairs: int,
    report: Callable[[int, float, float], None] = lambda number, a, b: None,
) -> list[tuple[float, float]]:
    """Two measures in ABBA order: each pair's (A's, B's); report(pair number, a, b) after each."""
    measured_rounds = in_turns(
        {"a": measure_a, "b": measure_b},
        rounds=pairs,
        report=lambda number, measured: report(number, measured["a"], measured["b"]),
    )
    return pairs_of(measured_rounds, "a", "b")


def ratios(measured: list[tuple[float, float]]) -> list[float]:
    """Each pair's ratio, A over B (infinite where B answered nothing in its run: a pair the median outvotes)."""
    return [a / b if b else float("inf") for a, b in measured]


def at_least(measured: list[tuple[float, float]], target: float) -> bool:
    """Met: enough pairs, and the median of their ratios at least the target."""
    return len(measured) >= MIN_PAIRS and median(ratios(measured)) >= target


def describe(measured: list[tuple[float, float]]) -> str:
    """The median ratio, over how many pairs and how far apart they were, and each side's median speed."""
    each = ratios(measured)
    return (
        f"{median(each):.2f} (median of {len(each)} pairs, ABBA; pairs {min(each):.2f} to {max(each):.2f}; "
        f"{median(a for a, _b in measured):.0f} against {median(b for _a, b in measured):.0f} req/s)"
    )
