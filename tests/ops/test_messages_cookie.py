"""Flash messages ride in a __Host- cookie: Secure, HttpOnly, Path=/, no Domain; its deletion too."""

from tests.shopping import add

COOKIE = "__Host-messages"


def attributes(morsel):
    return {
        "secure": morsel["secure"],
        "httponly": morsel["httponly"],
        "path": morsel["path"],
        "domain": morsel["domain"],
    }


def test_a_message_rides_in_a_host_only_secure_httponly_cookie(client, mug):
    response = add(client, mug, 1)

    assert attributes(response.cookies[COOKIE]) == {
        "secure": True,
        "httponly": True,
        "path": "/",
        "domain": "",
    }


def test_the_cookie_is_deleted_once_read_secure_and_httponly_too(client, mug):
    add(client, mug, 1)

    response = client.get("/cart/")

    deletion = response.cookies[COOKIE]
    assert deletion.value == ""
    assert deletion["max-age"] == 0
    assert attributes(deletion) == {"secure": True, "httponly": True, "path": "/", "domain": ""}
