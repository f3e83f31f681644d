"""make demo-hijack runs and tells its story."""

import re

import pytest

from bench.demos import hijack
from tests.bench.demos.reports import run_for_its_report

pytestmark = pytest.mark.stack


@pytest.fixture(scope="module")
def demo():
    """The demo run once for all the tests here (it starts two stacks): its finding and what it printed."""
    return run_for_its_report(hijack)


def told(demo, pattern: str) -> re.Match:
    match = re.search(pattern, demo[1])
    assert match, f"the demo did not say {pattern!r}"
    return match


def test_over_plain_http_the_capture_holds_the_cookie_header_of_the_victims_logged_in_request(demo):
    cookie = told(demo, r"=> Cookie header of the victim's logged-in request: (.*)").group(1)

    assert re.search(r"(^|; )shop_session=\w{8}\.\.\.", cookie)


def test_over_plain_http_the_capture_holds_the_login_forms_password(demo):
    assert told(demo, r"the login form's password in clear: (\w+)").group(1) == "True"


def test_the_captured_cookie_replayed_logs_the_attacker_in_as_the_victim(demo):
    replayed = told(demo, r"=> replayed: (.*)").group(1)

    assert re.fullmatch(r"200, logged in as the victim \(the page names victim-http-\d+\)", replayed)


def test_the_shops_plain_http_port_only_redirects_to_https(demo):
    redirect = told(demo, r"plain HTTP answers: (\d+) to (\S+)")

    assert redirect.group(1) == "301"
    assert re.fullmatch(r"https://localhost:\d+/accounts/profile/", redirect.group(2))


def test_the_shops_https_answer_carries_hsts(demo):
    assert (
        told(demo, r"then over HTTPS: 200, Strict-Transport-Security: (.*)")
        .group(1)
        .startswith("max-age=31536000")
    )


def test_the_victims_browser_sends_no_cookie_to_the_shops_plain_http_port(demo):
    assert told(demo, r"cookies sent over plain HTTP: (.*)").group(1) == "none"


def test_the_capture_of_the_shops_plain_http_port_saw_the_victims_request_and_no_cookie(demo):
    plain = told(
        demo,
        r"=> plain HTTP port: captured (\d+) packets, \d+ bytes\n"
        r"\s+requests in clear: (.*)\n\s+Cookie headers found: (\d+)",
    )

    assert int(plain.group(1)) > 0
    assert plain.group(2) == "GET /accounts/profile/ HTTP/1.1"
    assert plain.group(3) == "0"


def test_the_capture_of_the_shops_https_port_holds_nothing_readable(demo):
    tls = told(
        demo,
        r"=> HTTPS port: captured (\d+) packets, (\d+) bytes \(TLS records\)\n"
        r"\s+requests in clear: (\d+); Cookie headers readable: (\d+)",
    )

    assert int(tls.group(1)) > 0 and int(tls.group(2)) > 0
    assert (tls.group(3), tls.group(4)) == ("0", "0")


def test_the_table_row_says_what_broke_and_what_the_shop_measured(demo):
    finding = demo[0]

    assert finding.what_broke == "cookie captured off the wire, replayed: 200, logged in as the victim"
    assert finding.measured == "plain HTTP: 0 cookies captured; HTTPS: 0 readable"


def test_a_capture_refused_for_want_of_privileges_says_what_to_run():
    message = hijack.capture_failed(
        "tcpdump: lo: You don't have permission to perform this capture on that device"
    )

    assert "CAP_NET_RAW" in message
    assert "sudo make demo-hijack" in message
