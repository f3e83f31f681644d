from django.contrib.auth import get_user_model

from accounts.forms import RegistrationForm

VALID = {
    "username": "carol",
    "email": "carol@example.com",
    "password1": "quiet-meadow-42",
    "password2": "quiet-meadow-42",
}


def test_registration_creates_the_account_and_logs_it_in(client, db):
    response = client.post("/accounts/register/", VALID)

    assert response.status_code == 302
    assert get_user_model().objects.filter(username="carol", email="carol@example.com").exists()
    assert "carol" in client.get("/accounts/profile/").content.decode()


def test_a_new_account_is_welcomed_by_name(client, db):
    page = client.post("/accounts/register/", VALID, follow=True).content.decode()

    assert "Welcome to Hearth &amp; Home, carol! Your account is ready." in page


def test_mismatched_passwords_create_nothing_and_keep_what_was_typed(client, db):
    response = client.post("/accounts/register/", {**VALID, "password2": "something-else-42"})

    assert response.status_code == 200
    assert "didn’t match" in response.content.decode()
    assert 'value="carol@example.com"' in response.content.decode()
    assert not get_user_model().objects.filter(username="carol").exists()


def test_a_common_password_is_refused(client, db):
    response = client.post(
        "/accounts/register/", {**VALID, "password1": "password123", "password2": "password123"}
    )

    assert response.status_code == 200
    assert "too common" in response.content.decode()
    assert not get_user_model().objects.exists()


def test_a_taken_username_is_refused(client, user):
    response = client.post("/accounts/register/", {**VALID, "username": "alice"})

    assert response.status_code == 200
    assert "already exists" in response.content.decode()
    assert get_user_model().objects.count() == 1


def test_an_e_mail_address_is_required(client, db):
    response = client.post("/accounts/register/", {**VALID, "email": ""})

    assert response.status_code == 200
    assert not get_user_model().objects.exists()


def test_an_e_mail_address_another_account_has_is_refused_in_any_case(client, user):
    response = client.post("/accounts/register/", {**VALID, "email": "ALICE@Example.COM"})

    assert response.status_code == 200
    assert "A user with that e-mail address already exists." in response.content.decode()
    assert not get_user_model().objects.filter(username="carol").exists()


def test_a_taken_e_mail_address_is_named_beside_the_forms_other_errors(client, user):
    response = client.post(
        "/accounts/register/", {**VALID, "email": "alice@example.com", "password2": "a-typo-42"}
    )

    assert "didn’t match" in response.content.decode()
    assert "A user with that e-mail address already exists." in response.content.decode()


def overtaken_after_the_checks(monkeypatch, **other_account):
    """Another registration commits, with these fields, after the form's checks and before its save."""
    checks = RegistrationForm._post_clean

    def checked_then_overtaken(form):
        checks(form)
        get_user_model().objects.create_user(**other_account, password="x-quick-81")

    monkeypatch.setattr(RegistrationForm, "_post_clean", checked_then_overtaken)


def test_a_registration_that_loses_the_race_for_its_e_mail_address_is_told_it_is_taken_not_a_500(
    client, db, monkeypatch
):
    overtaken_after_the_checks(monkeypatch, username="quicker", email="CAROL@example.com")

    response = client.post("/accounts/register/", VALID)

    assert response.status_code == 200
    assert "A user with that e-mail address already exists." in response.content.decode()
    assert list(get_user_model().objects.values_list("username", flat=True)) == ["quicker"]


def test_a_registration_that_loses_the_race_for_its_username_is_told_it_is_taken_not_a_500(
    client, db, monkeypatch
):
    overtaken_after_the_checks(monkeypatch, username="carol", email="quicker@example.com")

    response = client.post("/accounts/register/", VALID)

    assert response.status_code == 200
    assert "A user with that username already exists." in response.content.decode()
    assert list(get_user_model().objects.values_list("email", flat=True)) == ["quicker@example.com"]
