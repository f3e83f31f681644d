import pytest
from django.contrib.auth import get_user_model


@pytest.fixture
def logged_in_client(client, db):
    client.force_login(get_user_model().objects.create_user(username="dana", password="x"))
    return client
