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
def outcomes(demo):
    """{act: (still logged in, cart lines still there, lines before)}: (a) no persistence, (b) AOF, (c) Sentinel."""
    _finding, report = demo
    counted = re.findall(
        r"=> logged in before the crash: 10; still logged in after: (\d+)\n"
        r"  => cart lines before the crash: (\d+); still there after: (\d+)",
        report,
    )
    assert len(counted) == 3, report
    return {
        act: (int(still), int(kept), int(before))
        for act, (still, before, kept) in zip("abc", counted, strict=True)
    }


def test_without_persistence_a_redis_crash_logs_everyone_out(outcomes):
    assert outcomes["a"][0] == 0


def test_without_persistence_a_redis_crash_loses_every_cart_line(outcomes):
    assert outcomes["a"][1:] == (0, 30)


def test_with_the_append_only_file_a_redis_crash_logs_nobody_out(outcomes):
    assert outcomes["b"][0] == 10


def test_with_the_append_only_file_a_redis_crash_loses_no_cart_line(outcomes):
    assert outcomes["b"][1:] == (30, 30)


def test_with_sentinel_a_killed_primary_logs_nobody_out(outcomes):
    assert outcomes["c"][0] == 10


def test_with_sentinel_a_killed_primary_loses_no_cart_line(outcomes):
    assert outcomes["c"][1:] == (30, 30)


def test_the_report_ends_with_before_and_after_side_by_side_in_plain_words(demo, outcomes):
    _finding, report = demo
    summary = report.split("Before the crash, and after it")[1]

    assert "before the crash: 10 users logged in, 30 cart lines in all" in summary
    rows = re.findall(r"^  \(([abc])\) .+?(\d+) of 10 +(\d+) of 30$", summary, flags=re.MULTILINE)
    assert rows == [(act, str(still), str(kept)) for act, (still, kept, _before) in outcomes.items()]


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
