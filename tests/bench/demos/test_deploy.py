"""make demo-deploy runs and tells its story."""

import re

import pytest

from bench.demos import deploy

pytestmark = pytest.mark.stack


def test_the_deploy_demo_shows_everyone_logged_out_with_memory_and_nobody_with_redis(capsys):
    finding = deploy.run()

    counts = [int(n) for n in re.findall(r"=> (\d+) of 12 users were logged out", capsys.readouterr().out)]
    assert counts == [12, 0]
    assert finding.measured == "0 of 12 logged out"
