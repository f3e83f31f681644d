"""make demo-memory-sessions runs and tells its story."""

import re

import pytest

from bench.demos import memory_sessions

pytestmark = pytest.mark.stack


def test_the_memory_sessions_demo_shows_logouts_with_memory_and_none_with_redis(capsys):
    finding = memory_sessions.run()

    report = capsys.readouterr().out
    counts = [int(n) for n in re.findall(r"=> (\d+) of \d+ requests, over 4 workers, found the user logged out", report)]
    memory, redis = counts
    assert memory > 0
    assert redis == 0
    assert finding.measured.startswith("0 of ")
