"""make demo-memory-sessions runs and tells its story: which worker served the login, and each request."""

import re

import pytest

from bench.demos import memory_sessions
from tests.bench.demos.reports import run_for_its_report

pytestmark = pytest.mark.stack

REQUEST = re.compile(
    r"^  request +\d+  worker (\S+)( \(the login's\))? +(logged in.*|LOGGED OUT.*)$", re.MULTILINE
)


@pytest.fixture(scope="module")
def demo():
    """The demo, run once for every test here: its Finding and its report."""
    return run_for_its_report(memory_sessions)


@pytest.fixture(scope="module")
def acts(demo):
    """{act: (the login's worker, [(worker, marked as the login's, logged in, what the line says)])}."""
    _finding, report = demo
    parts = re.split(r"^\(([abc])\) ", report, flags=re.MULTILINE)
    assert [parts[1], parts[3], parts[5]] == ["a", "b", "c"], report
    acts = {}
    for act, text in zip(parts[1::2], parts[2::2], strict=True):
        login = re.search(r"the login \(a registration\): served by worker (\S+),", text)
        requests = [
            (worker, bool(marked), said.startswith("logged in"), said)
            for worker, marked, said in REQUEST.findall(text)
        ]
        assert requests, text
        acts[act] = (login.group(1) if login else None, requests)
    return acts


def test_the_report_names_the_worker_that_served_the_login_and_marks_its_requests(acts):
    for act in "ac":
        login_worker, requests = acts[act]
        assert login_worker is not None
        assert all(marked == (worker == login_worker) for worker, marked, _in, _said in requests)


def test_each_request_names_its_worker_and_every_worker_serves_one(acts):
    for act in "abc":
        _login, requests = acts[act]
        assert len({worker for worker, *_rest in requests}) == memory_sessions.WORKERS


def test_with_memory_sessions_another_worker_logs_the_user_out_and_deletes_the_cookie(acts):
    login_worker, requests = acts["a"]
    first_miss = next(n for n, (worker, *_rest) in enumerate(requests) if worker != login_worker)

    assert not requests[first_miss][2]
    assert "never saw the login; its answer deletes the cookie" in requests[first_miss][3]
    # From then on logged out on every worker, the login's too: no cookie is left to send.
    assert not any(logged_in for _worker, _marked, logged_in, _said in requests[first_miss:])
    back_on_the_login_worker = [
        said for worker, _m, _in, said in requests[first_miss:] if worker == login_worker
    ]
    assert back_on_the_login_worker
    assert all("no cookie left to send" in said for said in back_on_the_login_worker)


def test_with_the_cookie_kept_only_the_login_worker_knows_the_session(acts):
    login_worker, _requests = acts["a"]
    _none, requests = acts["b"]

    assert any(worker == login_worker for worker, *_rest in requests)
    assert all(logged_in == (worker == login_worker) for worker, _marked, logged_in, _said in requests)


def test_with_redis_sessions_every_request_on_every_worker_is_logged_in(demo, acts):
    finding, _report = demo
    _login, requests = acts["c"]

    assert all(logged_in for _worker, _marked, logged_in, _said in requests)
    assert finding.measured == f"0 of {len(requests)} logged out"
