"""make demo-redis-crash runs and tells its story."""

import re

import pytest

from bench.demos import redis_crash
from tests.bench.demos.reports import run_for_its_report

pytestmark = pytest.mark.stack


@pytest.fixture(scope="module")
def demo():
    """The demo, run once for every test here: its Finding and its report."""
    return run_for_its_report(redis_crash)


@pytest.fixture(scope="module")
def losses(demo):
    """{act: (users logged out, cart lines lost, lines before)}: (a) no persistence, (b) AOF, (c) Sentinel."""
    _finding, report = demo
    counted = re.findall(r"=> (\d+) of 10 users logged out; (\d+) of (\d+) cart lines lost", report)
    assert len(counted) == 3, report
    return {act: tuple(map(int, numbers)) for act, numbers in zip("abc", counted, strict=True)}


def test_without_persistence_a_redis_crash_logs_everyone_out(losses):
    assert losses["a"][0] == 10


def test_without_persistence_a_redis_crash_loses_every_cart_line(losses):
    assert losses["a"][1:] == (30, 30)


def test_with_the_append_only_file_a_redis_crash_logs_nobody_out(losses):
    assert losses["b"][0] == 0


def test_with_the_append_only_file_a_redis_crash_loses_no_cart_line(losses):
    assert losses["b"][1:] == (0, 30)


def test_with_sentinel_a_killed_primary_logs_nobody_out(losses):
    assert losses["c"][0] == 0


def test_with_sentinel_a_killed_primary_loses_no_cart_line(losses):
    assert losses["c"][1:] == (0, 30)


def test_with_sentinel_the_demo_measures_a_failover_window_in_which_pages_failed(demo):
    finding, report = demo
    promoted, window, failed = re.search(
        r"promoted the replica (\d+\.\d) s after the kill; every user's page\s+"
        r"\(reloaded every 0\.1 s\) loaded again (\d+\.\d) s after it; (\d+) answers",
        report,
    ).groups()

    # Sentinel calls the primary down after 1 s without an answer (deploy/stack.py): no failover is faster.
    assert float(promoted) >= 1
    assert float(window) >= 1
    assert int(failed) > 0
    assert finding.measured.endswith(f"back after {window} s")
