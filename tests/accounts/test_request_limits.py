"""
Password resets and registrations are limited per client address and per
e-mail address (accounts.throttling), and a reset's link goes to the shop's
public address, never to the Host a request names.
"""

from django.contrib.auth import get_user_model
from django.core import mail
from django.test import Client
from django.test.signals import template_rendered

RESET = "/accounts/password/reset/"


def client_at(address):
    return Client(headers={"X-Real-IP": address})


def register(client, username, email, *, confirmation="a-sturdy-passphrase-81"):
    password = "a-sturdy-passphrase-81"
    form = {"username": username, "email": email, "password1": password, "password2": confirmation}
    return client.post("/accounts/register/", form)


def test_a_reset_link_goes_to_the_shops_public_address_whatever_host_the_request_named(
    client, user, settings
):
    settings.SHOP_PUBLIC_URL = "https://shop.example"

    client.post(RESET, {"email": user.email}, headers={"Host": "localhost:1337"})

    assert "https://shop.example/accounts/password/reset/" in mail.outbox[0].body
    assert "1337" not in mail.outbox[0].body


def test_a_fourth_reset_for_one_e_mail_address_within_the_hour_answers_429_and_sends_nothing(user):
    for n in range(3):
        assert client_at(f"198.51.100.{n}").post(RESET, {"email": user.email}).status_code == 302

    response = client_at("198.51.100.9").post(RESET, {"email": user.email.upper()})

    assert response.status_code == 429
    assert int(response["Retry-After"]) > 0
    assert len(mail.outbox) == 3


def test_an_eleventh_reset_from_one_address_within_the_hour_answers_429(client, db):
    for n in range(10):
        assert client.post(RESET, {"email": f"someone{n}@example.com"}).status_code == 302

    assert client.post(RESET, {"email": "someone-else@example.com"}).status_code == 429


def test_a_sixth_registration_from_one_address_within_the_hour_answers_429_and_makes_no_account(client, db):
    for n in range(5):
        assert (
            register(client_at("198.51.100.20"), f"newcomer{n}", f"newcomer{n}@example.com").status_code
            == 302
        )

    response = register(client_at("198.51.100.20"), "newcomer5", "newcomer5@example.com")

    assert response.status_code == 429
    assert not get_user_model().objects.filter(username="newcomer5").exists()


def test_a_refused_registration_says_it_was_registrations_not_passwords(client, db):
    for n in range(5):
        register(client_at("198.51.100.21"), f"newcomer{n}", f"newcomer{n}@example.com")

    page = register(client_at("198.51.100.21"), "newcomer5", "newcomer5@example.com").content.decode()

    assert "too many attempts to create an account" in page
    assert "wrong passwords" not in page


def test_a_refused_reset_says_it_was_resets_not_passwords(client, db):
    for n in range(10):
        client.post(RESET, {"email": f"someone{n}@example.com"})

    page = client.post(RESET, {"email": "someone-else@example.com"}).content.decode()

    assert "Too many password resets" in page
    assert "wrong passwords" not in page


def test_a_fourth_registration_attempt_with_one_e_mail_address_answers_429_whatever_the_client_address(db):
    for n in range(3):
        refused = register(
            client_at(f"198.51.100.3{n}"), f"twin{n}", "twin@example.com", confirmation="a-typo"
        )
        assert refused.status_code == 200

    assert register(client_at("198.51.100.39"), "twin3", "Twin@Example.com").status_code == 429


def test_registrations_refused_for_a_taken_username_are_counted_until_the_address_gets_429(user):
    statuses = [
        register(client_at("198.51.100.40"), "alice", f"guess{n}@example.com").status_code for n in range(20)
    ]

    assert statuses == [200] * 5 + [429] * 15


def test_past_the_limit_a_taken_username_and_a_free_one_get_the_same_answer(user):
    for n in range(5):
        register(client_at("198.51.100.41"), f"probe{n}", f"probe{n}@example.com", confirmation="a-typo")

    taken = register(client_at("198.51.100.41"), "alice", "taken@example.com")
    free = register(client_at("198.51.100.41"), "nobody-has-this-name", "free@example.com")

    assert (taken.status_code, taken.content) == (free.status_code, free.content)
    assert taken.status_code == 429
    assert not get_user_model().objects.filter(username="nobody-has-this-name").exists()


def test_attempts_without_an_e_mail_address_share_no_count_of_their_own(db):
    for n in range(4):
        assert register(client_at(f"198.51.100.6{n}"), f"blank{n}", "").status_code == 200

    assert register(client_at("198.51.100.69"), "blank9", "blank9@example.com").status_code == 302


def test_showing_the_registration_form_is_no_attempt(client, db):
    for _ in range(10):
        assert client.get("/accounts/register/").status_code == 200

    assert register(client, "newcomer", "newcomer@example.com").status_code == 302


def rendered_while(action):
    rendered = []

    def note(sender, template, **kwargs):
        rendered.append(template.name)

    template_rendered.connect(note)
    try:
        action()
    finally:
        template_rendered.disconnect(note)
    return [
        name for name in rendered if name.startswith("registration/password_reset_subject") or "email" in name
    ]


def test_a_reset_for_an_address_without_an_account_does_the_same_work_and_sends_nothing(client, user):
    known = rendered_while(lambda: client_at("198.51.100.50").post(RESET, {"email": user.email}))
    unknown = rendered_while(lambda: client_at("198.51.100.51").post(RESET, {"email": "nobody@example.com"}))

    assert (
        unknown == known == ["registration/password_reset_subject.txt", "accounts/password_reset_email.txt"]
    )
    assert [message.to for message in mail.outbox] == [[user.email]]
