def test_the_profile_sends_an_anonymous_visitor_to_log_in(client, db):
    response = client.get("/accounts/profile/")

    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?next=/accounts/profile/"


def test_the_profile_shows_the_username(logged_in_client):
    response = logged_in_client.get("/accounts/profile/")

    assert '<dd class="username">alice</dd>' in response.content.decode()
