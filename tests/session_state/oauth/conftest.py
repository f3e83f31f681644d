from urllib.parse import urlencode

import pytest

from session_state.models import OAuthClient


@pytest.fixture
def form():
    """POST as every OAuth client library does: application/x-www-form-urlencoded."""

    def post(client, path="/api/v1/auth/token", **parameters):
        return client.post(path, urlencode(parameters), content_type="application/x-www-form-urlencoded")

    return post


@pytest.fixture
def third_party(db):
    """An app of another company's: consent asked, no password grant."""
    return OAuthClient.objects.create(
        client_id="recipe-box",
        name="Recipe Box",
        redirect_uris="https://recipes.example/callback",
        grant_types=["authorization_code", "refresh_token"],
    )
