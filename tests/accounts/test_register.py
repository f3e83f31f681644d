from django.contrib.auth import get_user_model

VALID = {"username": "carol", "email": "carol@example.com", "password1": "quiet-meadow-42", "password2": "quiet-meadow-42"}


def test_registration_creates_the_account_and_logs_it_in(client, db):
    response = client.post("/accounts/register/", VALID)

    assert response.status_code == 302
    assert get_user_model().objects.filter(username="carol", email="carol@example.com").exists()
    assert "carol" in client.get("/accounts/profile/").content.decode()


def test_mismatched_passwords_create_nothing_and_keep_what_was_typed(client, db):
    response = client.post("/accounts/register/", {**VALID, "password2": "something-else-42"})

    assert response.status_code == 200
    assert "didn’t match" in response.content.decode()
    assert 'value="carol@example.com"' in response.content.decode()
    assert not get_user_model().objects.filter(username="carol").exists()


def test_a_common_password_is_refused(client, db):
    response = client.post("/accounts/register/", {**VALID, "password1": "password123", "password2": "password123"})

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
