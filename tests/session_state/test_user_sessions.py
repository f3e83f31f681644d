import re

import pytest
from django.conf import settings
from django.contrib.auth.forms import PasswordChangeForm
from django.core import mail
from django.test import Client

from session_state import index, keys
from session_state.fields import PASSWORD_AT, PUBLIC_ID
from session_state.sessions import tag_of_user
from session_state.signals import visitor_logged_in
from session_state.user_sessions import end_session

SESSION_COOKIE = settings.SESSION_COOKIE_NAME
CHROME = (
    "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36"
)
FIREFOX = "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:128.0) Gecko/20100101 Firefox/128.0"


def device(address="203.0.113.40", agent=CHROME):
    return Client(headers={"X-Real-IP": address, "User-Agent": agent})


@pytest.fixture
def log_in(user, password):
    def log_in(client):
        assert client.post("/accounts/login/", {"username": "alice", "password": password}).status_code == 302
        return client

    return log_in


def age_password_entry(client):
    """As if the user typed their password longer ago than REAUTH_AFTER."""
    session = client.session
    session[PASSWORD_AT] = 0
    session.save()


def test_a_login_is_listed_with_its_start_address_and_browser(log_in):
    laptop = log_in(device("198.51.100.1", CHROME))

    page = laptop.get("/accounts/sessions/").content.decode()

    assert "Chrome 126 on Linux" in page
    assert "198.51.100.1" in page
    assert "This session" in page


def test_every_session_of_the_user_is_listed_and_only_the_current_one_is_marked(log_in):
    laptop = log_in(device("198.51.100.1", CHROME))
    log_in(device("198.51.100.2", FIREFOX))

    sessions = laptop.get("/accounts/sessions/").context["sessions"]

    assert sorted(session.agent for session in sessions) == ["Chrome 126 on Linux", "Firefox 128 on Windows"]
    assert [session.current for session in sessions].count(True) == 1


def test_the_sessions_page_never_shows_a_session_key(log_in):
    laptop, phone = log_in(device()), log_in(device(agent=FIREFOX))

    page = laptop.get("/accounts/sessions/").content.decode()

    assert laptop.cookies[SESSION_COOKIE].value not in page
    assert phone.cookies[SESSION_COOKIE].value not in page


def test_ending_a_session_logs_out_whoever_uses_it(log_in):
    laptop, phone = log_in(device()), log_in(device(agent=FIREFOX))
    phone_id = phone.session[PUBLIC_ID]

    response = laptop.post(f"/accounts/sessions/{phone_id}/end/")

    assert response["Location"] == "/accounts/sessions/"
    assert phone.get("/accounts/profile/").status_code == 302
    assert laptop.get("/accounts/profile/").status_code == 200


def test_a_session_ended_from_another_device_is_told_so_on_its_next_page(log_in):
    laptop, phone = log_in(device()), log_in(device(agent=FIREFOX))
    laptop.post(f"/accounts/sessions/{phone.session[PUBLIC_ID]}/end/")

    page = phone.get("/", follow=True).content.decode()

    assert "You were logged out: your session was ended from another device." in page
    assert "expired" not in page


def test_a_session_ended_by_a_password_change_elsewhere_is_told_so(log_in, password):
    laptop, phone = log_in(device()), log_in(device(agent=FIREFOX))
    laptop.post(
        "/accounts/password/change/",
        {"old_password": password, "new_password1": "fresh-orchard-61", "new_password2": "fresh-orchard-61"},
    )

    page = phone.get("/", follow=True).content.decode()

    assert "You were logged out: your password was changed on another device." in page


def test_a_session_ended_with_every_session_of_its_user_is_told_so(log_in, user):
    from session_state.user_sessions import end_all_sessions

    phone = log_in(device(agent=FIREFOX))
    end_all_sessions(user=user)  # as the admin's action, or a password reset, does

    page = phone.get("/accounts/profile/", follow=True).content.decode()

    assert "You were logged out: every session of your account was ended" in page


def test_a_form_posted_with_a_session_ended_elsewhere_says_why_on_the_page_it_leads_to(log_in, mug):
    laptop, phone = log_in(device()), log_in(device(agent=FIREFOX))
    laptop.post(f"/accounts/sessions/{phone.session[PUBLIC_ID]}/end/")

    page = phone.post(f"/cart/add/{mug.pk}/", {"quantity": 1}, follow=True).content.decode()

    assert "your session was ended from another device" in page


def test_ending_all_other_sessions_keeps_only_this_one(log_in):
    laptop, phone, tablet = log_in(device()), log_in(device()), log_in(device())

    laptop.post("/accounts/sessions/end-others/")

    assert phone.get("/accounts/profile/").status_code == 302
    assert tablet.get("/accounts/profile/").status_code == 302
    assert [s.current for s in laptop.get("/accounts/sessions/").context["sessions"]] == [True]


@pytest.mark.parametrize(
    ("others", "said"),
    [
        (0, "You had no other session open."),
        (1, "1 other session was ended."),
        (2, "2 other sessions were ended."),
    ],
)
def test_ending_other_sessions_says_how_many_in_words(log_in, others, said):
    laptop = log_in(device())
    for _other in range(others):
        log_in(device())

    page = laptop.post("/accounts/sessions/end-others/", follow=True).content.decode()

    assert said in page


def test_ending_someone_elses_or_an_unknown_session_answers_404(log_in):
    laptop = log_in(device())

    assert laptop.post("/accounts/sessions/not-a-session-of-mine/end/").status_code == 404


def test_ending_a_session_asks_for_the_password_when_it_was_typed_long_ago(log_in):
    laptop, phone = log_in(device()), log_in(device())
    age_password_entry(laptop)

    response = laptop.post(f"/accounts/sessions/{phone.session[PUBLIC_ID]}/end/")

    assert response.status_code == 200
    assert "Confirm it's you" in response.content.decode()
    assert phone.get("/accounts/profile/").status_code == 200


def test_after_the_password_the_session_is_ended_as_asked(log_in, password):
    laptop, phone = log_in(device()), log_in(device())
    age_password_entry(laptop)
    end_phone = f"/accounts/sessions/{phone.session[PUBLIC_ID]}/end/"
    laptop.post(end_phone)

    response = laptop.post(end_phone, {"reauth_password": password, "reauth_method": "POST"})

    assert response["Location"] == "/accounts/sessions/"
    assert phone.get("/accounts/profile/").status_code == 302


def test_re_authenticating_changes_the_session_key(log_in, password):
    laptop = log_in(device())
    age_password_entry(laptop)
    old_key = laptop.cookies[SESSION_COOKIE].value

    response = laptop.post(
        "/accounts/password/change/", {"reauth_password": password, "reauth_method": "GET"}
    )

    assert response["Location"] == "/accounts/password/change/"
    assert laptop.cookies[SESSION_COOKIE].value != old_key
    assert isinstance(laptop.get("/accounts/password/change/").context["form"], PasswordChangeForm)


def test_a_wrong_password_at_re_authentication_is_refused_and_counted(log_in):
    laptop = log_in(device())
    age_password_entry(laptop)

    for _attempt in range(5):
        response = laptop.post(
            "/accounts/password/change/", {"reauth_password": "wrong", "reauth_method": "GET"}
        )
        assert "That is not your password." in response.content.decode()

    response = laptop.post("/accounts/password/change/", {"reauth_password": "wrong", "reauth_method": "GET"})
    assert response.status_code == 429


def test_a_login_beyond_the_cap_ends_the_oldest_session(log_in, settings):
    settings.MAX_SESSIONS_PER_USER = 3
    first, second, third = log_in(device()), log_in(device()), log_in(device())

    fourth = log_in(device())

    assert first.get("/accounts/profile/").status_code == 302
    assert all(c.get("/accounts/profile/").status_code == 200 for c in (second, third, fourth))
    assert len(fourth.get("/accounts/sessions/").context["sessions"]) == 3


def test_the_index_forgets_sessions_that_expired(log_in, user, redis_client):
    laptop, phone = log_in(device()), log_in(device())
    redis_client.delete(keys.session(phone.cookies[SESSION_COOKIE].value))  # as its TTL would

    laptop.get("/accounts/sessions/")

    assert list(redis_client.hgetall(keys.user_sessions(tag_of_user(user)))) == [laptop.session[PUBLIC_ID]]


def test_logging_out_removes_the_session_from_the_index(log_in, user, redis_client):
    laptop = log_in(device())

    laptop.post("/accounts/logout/")

    assert redis_client.hgetall(keys.user_sessions(tag_of_user(user))) == {}


def test_changing_the_password_keeps_this_session_with_a_new_key_and_ends_the_others(
    log_in, password, user, redis_client
):
    laptop, phone = log_in(device()), log_in(device())
    old_key = laptop.cookies[SESSION_COOKIE].value
    phone_key, phone_id = phone.cookies[SESSION_COOKIE].value, phone.session[PUBLIC_ID]

    response = laptop.post(
        "/accounts/password/change/",
        {
            "old_password": password,
            "new_password1": "brand-new-orchard-9",
            "new_password2": "brand-new-orchard-9",
        },
    )

    assert response.status_code == 302
    # Ended at once in Redis, not only when the other session next comes
    # and Django finds its password hash stale.
    assert not redis_client.exists(keys.session(phone_key))
    assert phone_id not in redis_client.hgetall(keys.user_sessions(tag_of_user(user)))
    assert laptop.cookies[SESSION_COOKIE].value != old_key
    assert laptop.get("/accounts/profile/").status_code == 200
    assert phone.get("/accounts/profile/").status_code == 302


def test_changing_the_password_asks_for_the_password_when_it_was_typed_long_ago(log_in):
    laptop = log_in(device())
    age_password_entry(laptop)

    assert "Confirm it's you" in laptop.get("/accounts/password/change/").content.decode()


def test_changing_the_e_mail_address_asks_for_the_password_when_it_was_typed_long_ago(log_in, user):
    laptop = log_in(device())
    age_password_entry(laptop)

    response = laptop.post("/accounts/email/change/", {"email": "new@example.com"})

    assert "Confirm it's you" in response.content.decode()
    user.refresh_from_db()
    assert user.email == "alice@example.com"


def test_the_e_mail_address_changes_right_after_a_login(log_in, user):
    laptop = log_in(device())

    laptop.post("/accounts/email/change/", {"email": "new@example.com"})

    user.refresh_from_db()
    assert user.email == "new@example.com"


def test_a_password_reset_ends_every_session_of_the_user(log_in, client, user, redis_client):
    laptop, phone = log_in(device()), log_in(device())

    client.post("/accounts/password/reset/", {"email": "alice@example.com"})
    link = re.search(r"https?://[^/]+(/accounts/password/reset/\S+/)", mail.outbox[0].body).group(1)
    form_url = client.get(link)["Location"]
    response = client.post(form_url, {"new_password1": "reset-meadow-77", "new_password2": "reset-meadow-77"})

    assert response["Location"] == "/accounts/password/reset/complete/"
    assert redis_client.hgetall(keys.user_sessions(tag_of_user(user))) == {}
    assert redis_client.keys("shop:session:*:u*") == []
    assert laptop.get("/accounts/profile/").status_code == 302
    assert phone.get("/accounts/profile/").status_code == 302


def test_an_admin_can_end_every_session_of_a_user(log_in, user, django_user_model):
    laptop, phone = log_in(device()), log_in(device())
    admin = Client()
    admin.force_login(django_user_model.objects.create_superuser(username="root", password="x"))

    admin.post("/admin/auth/user/", {"action": "end_all_sessions", "_selected_action": [user.pk]})

    assert laptop.get("/accounts/profile/").status_code == 302
    assert phone.get("/accounts/profile/").status_code == 302


def test_user_agents_are_described_as_a_person_reads_them():
    assert index.describe_user_agent(FIREFOX) == "Firefox 128 on Windows"
    assert index.describe_user_agent("") == "Unknown browser"


ADDRESS = {
    "full_name": "Alice A",
    "address": "3 Elm St",
    "city": "Oakton",
    "postal_code": "22124",
    "country": "USA",
}


def test_seeing_the_saved_address_asks_for_the_password_when_it_was_typed_long_ago(log_in, user):
    laptop = log_in(device())
    laptop.post("/accounts/address/", ADDRESS)
    age_password_entry(laptop)

    page = laptop.get("/accounts/address/").content.decode()

    assert "Confirm it's you" in page
    assert "3 Elm St" not in page


def test_the_saved_address_is_kept_and_shown_right_after_a_login(log_in, user):
    laptop = log_in(device())

    laptop.post("/accounts/address/", ADDRESS)

    assert user.saved_address.city == "Oakton"
    assert "3 Elm St" in laptop.get("/accounts/address/").content.decode()


def test_a_session_ended_while_its_key_is_being_renewed_stays_ended(log_in, user, redis_client):
    from django.contrib.sessions.exceptions import SessionInterrupted

    from session_state.store import SessionStore

    phone = log_in(device())
    store = SessionStore(phone.cookies[SESSION_COOKIE].value)
    store.load()  # the phone's request has read its session ...
    end_session(user=user, public_id=store[PUBLIC_ID])  # ... when the laptop ends it

    with pytest.raises(SessionInterrupted):
        store.cycle_key()  # the phone re-authenticates

    assert redis_client.keys("shop:session:*:u*") == []
    assert redis_client.hgetall(keys.user_sessions(tag_of_user(user))) == {}


def test_ending_all_sessions_ends_one_re_keyed_between_reading_the_list_and_ending_it(
    log_in, user, redis_client
):
    from session_state.store import SessionStore

    phone = log_in(device())
    tag = tag_of_user(user)
    listed = redis_client.hgetall(keys.user_sessions(tag))  # "end every session" has read the list ...
    store = SessionStore(phone.cookies[SESSION_COOKIE].value)
    store.load()
    store.cycle_key()  # ... when the phone re-authenticates on another worker: a new id

    ended = index.end_listed(tag=tag, listed=listed)

    assert ended == 1
    assert redis_client.keys("shop:session:*:u*") == []
    assert redis_client.hgetall(keys.user_sessions(tag)) == {}


def test_the_re_authentication_page_never_carries_a_typed_password(log_in, password):
    laptop = log_in(device())
    age_password_entry(laptop)

    response = laptop.post(
        "/accounts/password/change/",
        {"old_password": password, "new_password1": "typed-secret-55", "new_password2": "typed-secret-55"},
    )

    assert "Confirm it's you" in response.content.decode()
    assert "typed-secret-55" not in response.content.decode()
    assert "no-store" in response["Cache-Control"]


def test_logging_out_here_from_the_sessions_page_needs_no_password(log_in):
    laptop = log_in(device())
    age_password_entry(laptop)

    page = laptop.get("/accounts/sessions/").content.decode()

    assert 'action="/accounts/logout/"' in page


def test_what_a_visitor_owned_goes_to_the_user_before_the_session_is_listed(
    client, user, password, mug, redis_client
):
    # So that a Redis failure in that step leaves no listed session that no browser holds.
    client.post(f"/cart/add/{mug.pk}/", {"quantity": 1})
    listed_then = []

    def note_the_index(sender, user, **kwargs):
        listed_then.append(redis_client.hlen(keys.user_sessions(tag_of_user(user))))

    visitor_logged_in.connect(note_the_index)
    try:
        client.post("/accounts/login/", {"username": user.username, "password": password})
    finally:
        visitor_logged_in.disconnect(note_the_index)

    assert listed_then == [0]
    assert redis_client.hlen(keys.user_sessions(tag_of_user(user))) == 1


def test_deactivating_a_user_ends_every_session_and_reactivating_brings_none_back(
    log_in, user, redis_client, django_capture_on_commit_callbacks
):
    laptop, phone = log_in(device("198.51.100.1", CHROME)), log_in(device("198.51.100.2", FIREFOX))

    with django_capture_on_commit_callbacks(execute=True):  # the admin's save, committed
        user.is_active = False
        user.save()
    user.is_active = True
    user.save()

    assert redis_client.keys("shop:session:*") == []
    assert laptop.get("/accounts/profile/").status_code == 302
    assert phone.get("/accounts/profile/").status_code == 302
