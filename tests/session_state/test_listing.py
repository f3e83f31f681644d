"""
Every session on the shop's Redis, as `make sessions` lists them
(session_state.inspection.every_session, manage.py list_sessions): a
visitor's, a browser's login and an API login, with their users. On one
Redis, and in the suite's cluster pass on a cluster of three primaries,
where a SCAN sent to one node sees only that node's keys.
"""

from io import StringIO

import pytest
from django.conf import settings
from django.core.management import call_command
from django.test import Client

from ops.redis_cluster import primaries
from session_state import api_logins, keys
from session_state.inspection import every_session

VISITORS = 24


@pytest.fixture
def visitors(mug):
    """The session ids of visitors who each put a mug in their cart (a session of their own)."""
    ids = []
    for _ in range(VISITORS):
        client = Client()
        assert client.post(f"/cart/add/{mug.pk}/", {"quantity": 1}).status_code == 302
        ids.append(client.cookies[settings.SESSION_COOKIE_NAME].value)
    return ids


@pytest.fixture
def browser_login(logged_in_client):
    return logged_in_client.cookies[settings.SESSION_COOKIE_NAME].value


@pytest.fixture
def api_login(user, fresh_revocations_feed):
    return api_logins.start_token_login(
        user=user, address="203.0.113.10", user_agent="HearthApp/2.1 okhttp/4.12"
    )


def test_every_session_is_listed_with_what_it_is_and_whose(visitors, browser_login, api_login, user):
    # Pages of 5: a walk of several pages on each node.
    listed = {session.key: session for session in every_session(page=5)}

    assert {keys.session(session_id) for session_id in visitors} <= set(listed)
    assert {listed[keys.session(session_id)].kind for session_id in visitors} == {"visitor"}
    login = listed[keys.session(browser_login)]
    assert (login.kind, login.user_id) == ("logged in", str(user.pk))
    assert 0 < login.ttl_ms <= settings.SESSION_COOKIE_AGE * 1000
    [token_login] = [session for session in listed.values() if session.kind == "API login"]
    assert token_login.user_id == str(user.pk)
    assert len(listed) == VISITORS + 2


def test_the_command_prints_each_sessions_key_kind_and_username(visitors, browser_login, api_login, user):
    output = StringIO()

    call_command("list_sessions", stdout=output)

    lines = output.getvalue().splitlines()
    [login_line] = [line for line in lines if line.startswith(keys.session(browser_login))]
    assert login_line.split()[1:4] == ["logged", "in", user.username]
    assert all(any(line.startswith(keys.session(visitor)) for line in lines) for visitor in visitors)
    assert lines[-1] == f"{VISITORS + 2} sessions (visitor: {VISITORS}, logged in: 1, API login: 1)"


def test_nothing_to_list_says_so(db):
    output = StringIO()

    call_command("list_sessions", stdout=output)

    assert output.getvalue().splitlines()[-1] == "0 sessions (visitor: 0, logged in: 0, API login: 0)"


@pytest.mark.cluster_only
def test_on_a_cluster_one_nodes_scan_would_miss_sessions_that_the_listing_finds(visitors, redis_client):
    """Why the listing walks every primary: `redis-cli --scan` on a cluster asks one node."""
    first_node = primaries(redis_client)[0]
    on_the_first_node = set(first_node.scan_iter(match="shop:session:*"))

    listed = {session.key for session in every_session()}

    assert len(primaries(redis_client)) == 3
    assert on_the_first_node < listed
    assert {keys.session(session_id) for session_id in visitors} <= listed
