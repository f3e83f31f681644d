from django.contrib.auth import get_user_model

from accounts.forms import EmailChangeForm

EMAIL_CHANGE = "/accounts/email/change/"
TAKEN = "A user with that e-mail address already exists."


def other_user(username="bob", email="bob@example.com"):
    return get_user_model().objects.create_user(username=username, email=email, password="x-other-81")


def test_the_profile_sends_an_anonymous_visitor_to_log_in(client, db):
    response = client.get("/accounts/profile/")

    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?next=/accounts/profile/"


def test_the_profile_shows_the_username(logged_in_client):
    response = logged_in_client.get("/accounts/profile/")

    assert '<dd class="username">alice</dd>' in response.content.decode()


def test_an_e_mail_address_another_account_has_is_refused_in_any_case(logged_in_client, user):
    other_user()

    response = logged_in_client.post(EMAIL_CHANGE, {"email": "BOB@Example.com"})

    assert response.status_code == 200
    assert TAKEN in response.content.decode()
    user.refresh_from_db()
    assert user.email == "alice@example.com"


def test_ones_own_address_in_another_case_is_no_other_accounts(logged_in_client, user):
    response = logged_in_client.post(EMAIL_CHANGE, {"email": "ALICE@example.com"})

    assert response.status_code == 302
    user.refresh_from_db()
    assert user.email == "ALICE@example.com"


def test_an_e_mail_change_that_loses_the_race_for_its_address_is_told_it_is_taken_not_a_500(
    logged_in_client, user, monkeypatch
):
    checks = EmailChangeForm._post_clean

    def checked_then_overtaken(form):  # another account takes the address after the form's checks
        checks(form)
        other_user(email="NEW@example.com")

    monkeypatch.setattr(EmailChangeForm, "_post_clean", checked_then_overtaken)

    response = logged_in_client.post(EMAIL_CHANGE, {"email": "new@example.com"})

    assert response.status_code == 200
    assert TAKEN in response.content.decode()
    user.refresh_from_db()
    assert user.email == "alice@example.com"


def test_a_sixth_e_mail_change_from_one_address_within_the_hour_answers_429(logged_in_client, user):
    for n in range(5):
        assert logged_in_client.post(EMAIL_CHANGE, {"email": f"new{n}@example.com"}).status_code == 302

    response = logged_in_client.post(EMAIL_CHANGE, {"email": "new5@example.com"})

    assert response.status_code == 429
    user.refresh_from_db()
    assert user.email == "new4@example.com"


def test_the_admins_user_form_refuses_an_address_another_account_has(client, user, password):
    admin = get_user_model().objects.create_user(
        username="sam", email="sam@example.com", password=password, is_staff=True, is_superuser=True
    )
    client.force_login(admin)
    bob = other_user()
    form = {
        "username": "bob",
        "email": "ALICE@example.com",
        "is_active": "on",
        "date_joined_0": "2026-01-01",
        "date_joined_1": "00:00:00",
    }

    response = client.post(f"/admin/auth/user/{bob.pk}/change/", form)

    assert response.status_code == 200
    assert TAKEN in response.content.decode()
    bob.refresh_from_db()
    assert bob.email == "bob@example.com"
