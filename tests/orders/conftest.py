import pytest
from django.contrib.auth import get_user_model
from django.test import Client


@pytest.fixture
def client():
    # What nginx adds to every request: the client's address in X-Real-IP.
    return Client(headers={"X-Real-IP": "203.0.113.30"})


@pytest.fixture
def user(db):
    return get_user_model().objects.create_user(username="erin", password="erin-password-1")


@pytest.fixture
def logged_in_client(client, user):
    client.post("/accounts/login/", {"username": "erin", "password": "erin-password-1"})
    return client
