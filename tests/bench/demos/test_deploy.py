"""make demo-deploy runs and tells its story: like against like, a line a second."""

import re

import pytest

from bench.demos import deploy
from tests.bench.demos.reports import run_for_its_report

pytestmark = pytest.mark.stack

SECOND = re.compile(r"^ +(\d+) +(\d+) +(\d+) +(\d+) +(\d+)  (.+)$", re.MULTILINE)


@pytest.fixture(scope="module")
def demo():
    """The demo, run once for every test here: its Finding and its report."""
    return run_for_its_report(deploy)


@pytest.fixture(scope="module")
def runs(demo):
    """{engine: {"workers": gunicorn's workers before, "before"/"after": [(requests, in, out, failed, served by)]}}."""
    _finding, report = demo
    parts = re.split(
        r"^(sessions in the worker's memory|the shop's sessions, in Redis)$", report, flags=re.MULTILINE
    )
    assert len(parts) == 5, report
    runs = {}
    for engine, text in zip(["memory", "redis"], parts[2::2], strict=True):
        workers = (
            re.search(r"gunicorn's worker\(s\) now: ([\d, ]+)$", text, re.MULTILINE).group(1).split(", ")
        )
        before, deploying, after = text.partition("-- deploying: SIGHUP to gunicorn")
        assert deploying, text
        runs[engine] = {
            "workers": workers,
            "before": [(*map(int, row[1:5]), row[5]) for row in SECOND.findall(before)],
            "after": [(*map(int, row[1:5]), row[5]) for row in SECOND.findall(after)],
        }
    return runs


def test_the_deploy_demo_shows_everyone_logged_out_with_memory_and_nobody_with_redis(demo):
    finding, report = demo

    counts = [int(n) for n in re.findall(r"=> (\d+) of 12 users were logged out", report)]
    assert counts == [12, 0]
    assert finding.measured == "0 of 12 logged out"


def test_both_engines_run_on_the_same_number_of_workers(runs):
    assert len(runs["memory"]["workers"]) == len(runs["redis"]["workers"]) == deploy.WORKERS


def test_a_line_a_second_shows_the_requests_and_who_served_them(runs):
    for engine in runs.values():
        assert len(engine["before"]) == deploy.SECONDS_BEFORE
        assert len(engine["after"]) >= deploy.SECONDS_AFTER
        # Before the deployment, the old workers served every request, and everyone was logged in.
        assert all(requests > 0 and logged_in == requests for requests, logged_in, *_ in engine["before"])
        assert all(
            served_by.startswith("old ") and " new " not in served_by for *_, served_by in engine["before"]
        )
        # After it, the new workers serve.
        assert engine["after"][-1][4].startswith("new ")


def test_memory_sessions_are_logged_out_once_the_new_worker_serves_and_redis_sessions_never(runs):
    memory_after, redis_after = runs["memory"]["after"], runs["redis"]["after"]

    assert memory_after[-1][1] == 0 and memory_after[-1][2] > 0  # the last second: nobody logged in
    assert all(logged_out == 0 for _requests, _in, logged_out, _failed, _by in redis_after)
