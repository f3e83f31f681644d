"""
API logins (session_state.token_logins through session_state.api_logins): listed
like sessions, refresh tokens rotated with reuse detection, and every way a
login ends refusing its access tokens on every worker.
"""

import json

import pytest

from session_state import api_logins, sessions, user_sessions
from tests.waiting import within

from .names import LOGIN_AT, REFRESH, keys

APP = "HearthApp/2.1 (iPhone; iOS 18.1) okhttp/4.12"


pytestmark = pytest.mark.usefixtures("fresh_revocations_feed")


@pytest.fixture
def login(user):
    return api_logins.start_token_login(user=user, address="203.0.113.10", user_agent=APP)


def refused(access_token: str) -> bool:
    try:
        api_logins.check_access_token(token=access_token)
    except api_logins.InvalidAccessToken:
        return True
    return False


def test_a_login_gives_an_access_token_for_the_user_and_this_login(user, login):
    verified = api_logins.check_access_token(token=login.access_token)

    [listed] = user_sessions.sessions_of(user=user, current=None)
    assert verified.subject == sessions.tag_of_user(user)
    assert verified.login_id == listed.public_id
    assert listed.agent.startswith("App: ")
    assert listed.ip == "203.0.113.10"


def test_redis_keeps_no_refresh_token_only_a_keyed_hash_of_it(login, redis_client):
    login_id, secret = login.refresh_token.split(".")

    stored = redis_client.get(keys.session(login_id))

    assert secret not in stored
    assert login.access_token not in stored
    assert json.loads(stored)[REFRESH]


def test_a_refresh_gives_a_new_pair_and_the_login_stays_one(user, login):
    renewed = api_logins.refresh_token_login(refresh_token=login.refresh_token)

    assert renewed.refresh_token != login.refresh_token
    assert (
        api_logins.check_access_token(token=renewed.access_token).login_id
        == api_logins.check_access_token(token=login.access_token).login_id
    )
    assert len(user_sessions.sessions_of(user=user, current=None)) == 1


def test_the_same_token_sent_again_within_the_grace_gets_the_same_successor(login):
    first = api_logins.refresh_token_login(refresh_token=login.refresh_token)
    again = api_logins.refresh_token_login(refresh_token=login.refresh_token)

    assert again.refresh_token == first.refresh_token


def test_the_successor_handed_out_twice_still_rotates_once(login):
    first = api_logins.refresh_token_login(refresh_token=login.refresh_token)
    api_logins.refresh_token_login(refresh_token=login.refresh_token)

    one = api_logins.refresh_token_login(refresh_token=first.refresh_token)
    other = api_logins.refresh_token_login(refresh_token=first.refresh_token)

    assert one.refresh_token == other.refresh_token


def test_a_superseded_token_after_the_grace_ends_the_login_and_its_access_tokens(user, login, settings):
    settings.API_REFRESH_REUSE_GRACE = 0
    renewed = api_logins.refresh_token_login(refresh_token=login.refresh_token)
    assert not refused(renewed.access_token)

    with pytest.raises(api_logins.InvalidRefreshToken):
        api_logins.refresh_token_login(refresh_token=login.refresh_token)

    assert user_sessions.sessions_of(user=user, current=None) == []
    assert within(1.0, lambda: refused(renewed.access_token)) is not None
    with pytest.raises(api_logins.InvalidRefreshToken):
        # The thief's successor is dead too.
        api_logins.refresh_token_login(refresh_token=renewed.refresh_token)


def test_a_token_two_generations_old_is_reuse_even_within_the_grace(user, login):
    second = api_logins.refresh_token_login(refresh_token=login.refresh_token)
    api_logins.refresh_token_login(refresh_token=second.refresh_token)

    with pytest.raises(api_logins.InvalidRefreshToken):
        api_logins.refresh_token_login(refresh_token=login.refresh_token)

    assert user_sessions.sessions_of(user=user, current=None) == []


def test_reuse_is_logged_as_a_security_event(login, settings, caplog):
    settings.API_REFRESH_REUSE_GRACE = 0
    api_logins.refresh_token_login(refresh_token=login.refresh_token)

    with pytest.raises(api_logins.InvalidRefreshToken):
        api_logins.refresh_token_login(refresh_token=login.refresh_token)

    assert [record.name for record in caplog.records if "reuse" in record.getMessage()] == [
        "session_state.security"
    ]


@pytest.mark.parametrize(
    "token",
    ["", "not-a-token", "t" + "0" * 44 + "." + "A" * 43, "u" + "0" * 44 + "." + "A" * 43, None, 42],
)
def test_anything_else_is_no_refresh_token_and_changes_nothing(user, login, token):
    with pytest.raises(api_logins.InvalidRefreshToken):
        api_logins.refresh_token_login(refresh_token=token)

    assert len(user_sessions.sessions_of(user=user, current=None)) == 1


def test_an_access_token_is_no_refresh_token(login):
    with pytest.raises(api_logins.InvalidRefreshToken):
        api_logins.refresh_token_login(refresh_token=login.access_token)


def test_a_refresh_token_is_no_access_token(login):
    with pytest.raises(api_logins.InvalidAccessToken):
        api_logins.check_access_token(token=login.refresh_token)


def test_a_refresh_token_lives_the_idle_lifetime_since_its_last_use(login, redis_client, settings):
    settings.API_REFRESH_IDLE_LIFETIME = 100
    renewed = api_logins.refresh_token_login(refresh_token=login.refresh_token)

    assert 98 <= redis_client.ttl(keys.session(renewed.refresh_token.split(".")[0])) <= 100


def test_rotation_never_extends_the_absolute_lifetime(user, login, redis_client, settings):
    settings.API_REFRESH_ABSOLUTE_LIFETIME = 3600
    login_id = login.refresh_token.split(".")[0]
    stored = json.loads(redis_client.get(keys.session(login_id)))
    stored[LOGIN_AT] -= 3000  # logged in 50 minutes ago: 10 minutes left
    redis_client.set(keys.session(login_id), json.dumps(stored), keepttl=True)

    renewed = api_logins.refresh_token_login(refresh_token=login.refresh_token)

    assert 590 <= redis_client.ttl(keys.session(login_id)) <= 600
    assert api_logins.check_access_token(token=renewed.access_token).expires_at <= stored[LOGIN_AT] + 3600 + 1


def test_a_refresh_for_a_user_deactivated_without_a_signal_is_refused_and_ends_the_login(user, login):
    type(user).objects.filter(pk=user.pk).update(is_active=False)

    with pytest.raises(api_logins.InvalidRefreshToken):
        api_logins.refresh_token_login(refresh_token=login.refresh_token)

    assert user_sessions.sessions_of(user=user, current=None) == []


def test_a_login_past_its_absolute_lifetime_refreshes_no_more(user, login, settings):
    settings.API_REFRESH_ABSOLUTE_LIFETIME = 0

    with pytest.raises(api_logins.InvalidRefreshToken):
        api_logins.refresh_token_login(refresh_token=login.refresh_token)

    assert user_sessions.sessions_of(user=user, current=None) == []


def test_ending_the_login_from_the_sessions_list_refuses_its_access_token(user, login):
    [listed] = user_sessions.sessions_of(user=user, current=None)

    user_sessions.end_session(user=user, public_id=listed.public_id)

    assert within(1.0, lambda: refused(login.access_token)) is not None
    with pytest.raises(api_logins.InvalidRefreshToken):
        api_logins.refresh_token_login(refresh_token=login.refresh_token)


def test_ending_all_sessions_refuses_every_api_login(user, login):
    other = api_logins.start_token_login(user=user, address="203.0.113.11", user_agent=APP)

    user_sessions.end_all_sessions(user=user)

    assert within(1.0, lambda: refused(login.access_token) and refused(other.access_token)) is not None


def test_api_logins_count_toward_the_cap_on_sessions(user, login, settings):
    settings.MAX_SESSIONS_PER_USER = 2
    api_logins.start_token_login(user=user, address="203.0.113.10", user_agent=APP)
    api_logins.start_token_login(user=user, address="203.0.113.10", user_agent=APP)

    assert len(user_sessions.sessions_of(user=user, current=None)) == 2
    assert within(1.0, lambda: refused(login.access_token)) is not None


def test_revoking_the_refresh_token_ends_the_login(user, login):
    api_logins.revoke_token(token=login.refresh_token)

    assert user_sessions.sessions_of(user=user, current=None) == []
    assert within(1.0, lambda: refused(login.access_token)) is not None


def test_revoking_the_access_token_ends_the_login(user, login):
    api_logins.revoke_token(token=login.access_token)

    assert user_sessions.sessions_of(user=user, current=None) == []


@pytest.mark.parametrize("token", ["", "garbage", "t" + "0" * 44 + "." + "A" * 43])
def test_revoking_what_is_no_token_changes_nothing(user, login, token):
    api_logins.revoke_token(token=token)

    assert len(user_sessions.sessions_of(user=user, current=None)) == 1


def test_an_api_login_id_is_never_a_browser_session(SessionStore, login):
    login_id = login.refresh_token.split(".")[0]
    store = SessionStore(session_key=login_id)

    assert store.load() == {}
    assert store.exists(login_id) is False
