import pytest


@pytest.fixture
def lab_client(client, db):
    """A browser that has opened the lab: its requests are recorded from now on."""
    client.get("/lab/")
    return client
