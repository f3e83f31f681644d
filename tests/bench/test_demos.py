"""The failure-story demos run, and tell the story they promise."""

import re

import pytest

from bench import demos

pytestmark = pytest.mark.stack


def test_the_memory_sessions_demo_shows_logouts_with_memory_and_none_with_redis(capsys):
    demos.memory_sessions()

    report = capsys.readouterr().out
    counts = [int(n) for n in re.findall(r"=> (\d+) of \d+ requests, over 4 workers, found the user logged out", report)]
    memory, redis = counts
    assert memory > 0
    assert redis == 0


def test_the_deploy_demo_shows_everyone_logged_out_with_memory_and_nobody_with_redis(capsys):
    demos.deploy()

    counts = [int(n) for n in re.findall(r"=> (\d+) of 12 users were logged out", capsys.readouterr().out)]
    assert counts == [12, 0]
