import pytest


@pytest.fixture
def page(client, db):
    return client.get("/", secure=True)


def test_the_content_security_policy_allows_no_inline_script(page):
    policy = dict(part.strip().split(" ", 1) for part in page["Content-Security-Policy"].split(";"))

    assert policy["script-src"] == "'self'"
    assert policy["default-src"] == "'self'"
    assert policy["frame-ancestors"] == "'none'"
    assert "unsafe-inline" not in page["Content-Security-Policy"]


def test_https_responses_carry_strict_transport_security(page):
    assert page["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains"


def test_pages_may_not_be_framed_sniffed_or_opened_cross_origin(page):
    assert page["X-Frame-Options"] == "DENY"
    assert page["X-Content-Type-Options"] == "nosniff"
    assert page["Cross-Origin-Opener-Policy"] == "same-origin"
    assert page["Referrer-Policy"] == "same-origin"
