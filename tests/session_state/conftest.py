import pytest
from django.contrib.auth import get_user_model
from django.test import Client

PASSWORD = "correct-horse-battery"


@pytest.fixture
def client():
    # What nginx adds to every request: the client's address in X-Real-IP.
    return Client(headers={"X-Real-IP": "203.0.113.10"})


@pytest.fixture
def password():
    return PASSWORD


@pytest.fixture
def user(db):
    return get_user_model().objects.create_user(username="alice", email="alice@example.com", password=PASSWORD)


@pytest.fixture
def logged_in_client(client, user):
    client.post("/accounts/login/", {"username": "alice", "password": PASSWORD})
    return client
