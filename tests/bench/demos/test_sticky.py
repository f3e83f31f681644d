"""make demo-sticky runs and tells its story."""

import re
import time
from pathlib import Path

import pytest

from bench.demos import sticky
from tests.bench.demos.reports import run_for_its_report

pytestmark = pytest.mark.stack


@pytest.fixture(scope="module")
def demo():
    """The demo, run once for all tests here: its Finding, its report's two runs, the whole, when it began."""
    began = time.time()
    finding, text = run_for_its_report(sticky)
    sticky_run, fixed_run = text.split("\nthe shop: round robin", 1)
    return finding, sticky_run, fixed_run, text, began


def office_shares(run_report):
    """The percentage of the office's requests (before the kill) each server answered."""
    line = re.search(r"the office's requests went to: (.*)", run_report).group(1)
    return {server: int(share) for server, share in re.findall(r"(gunicorn-\d) (\d+)%", line)}


def logged_out(run_report):
    """(office users, home users) whom the kill logged out."""
    office, home = re.search(r"=> (\d+) of 12 office users and (\d+) of 6 home users", run_report).groups()
    return int(office), int(home)


def test_with_ip_hash_the_whole_office_lands_on_one_server(demo):
    _finding, sticky_run, _fixed_run, _text, _began = demo

    assert sorted(office_shares(sticky_run).values()) == [0, 0, 100]


def test_with_ip_hash_each_office_user_gets_fewer_pages_than_a_home_user(demo):
    _finding, sticky_run, _fixed_run, _text, _began = demo

    office, home = map(int, re.search(r"the office's (\d+), the home users' (\d+)", sticky_run).groups())
    assert office < home


def test_killing_the_office_server_logs_every_office_user_out_of_their_memory_sessions(demo):
    _finding, sticky_run, _fixed_run, _text, _began = demo

    assert logged_out(sticky_run)[0] == 12


def test_with_ip_hash_the_kill_logs_out_the_home_users_on_that_server_and_no_other(demo):
    _finding, sticky_run, _fixed_run, _text, _began = demo
    home_users = {
        server: int(home)
        for server, home in re.findall(r"(gunicorn-\d) .* users: \d+ office, (\d+) home", sticky_run)
    }
    killed = re.search(r"killing (gunicorn-\d)", sticky_run).group(1)

    assert logged_out(sticky_run)[1] == home_users[killed]


def test_round_robin_spreads_the_office_over_every_server(demo):
    _finding, _sticky_run, fixed_run, _text, _began = demo

    shares = office_shares(fixed_run)

    # nginx's round robin takes the servers in turn whoever asks: about a third each.
    assert sorted(shares) == ["gunicorn-1", "gunicorn-2", "gunicorn-3"]
    assert all(20 <= share <= 47 for share in shares.values()), shares


def test_with_round_robin_and_redis_sessions_killing_a_server_logs_nobody_out(demo):
    finding, _sticky_run, fixed_run, _text, _began = demo

    assert logged_out(fixed_run) == (0, 0)
    assert finding.measured == "0 of 18 logged out"


def test_the_demo_draws_a_new_png_chart_under_var_demo(demo):
    _finding, _sticky_run, _fixed_run, text, began = demo

    chart = Path(re.search(r"requests per server over time: (\S+)", text).group(1))
    assert chart.parent.name == "demo"
    assert chart.read_bytes().startswith(b"\x89PNG\r\n\x1a\n")
    assert chart.stat().st_mtime >= began
