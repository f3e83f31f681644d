"""A form whose body Django will not decode answers the shop's 400 page, with its headers, never a 500."""

import pytest
from django.test import Client


@pytest.mark.parametrize("charset", ["utf-16", "latin-1", "iso-8859-15"])
def test_a_form_in_another_charset_than_utf_8_answers_400_with_the_shops_headers(db, charset):
    # CSRF checks on, as in the browser: Django's CSRF check is what reads the body.
    client = Client(enforce_csrf_checks=True)
    body = "username=alice&password=x".encode(charset)

    response = client.generic(
        "POST",
        "/accounts/login/",
        data=body,
        content_type=f"application/x-www-form-urlencoded; charset={charset}",
    )

    assert response.status_code == 400
    assert "Content-Security-Policy" in response
    assert "Something about that request was wrong" in response.content.decode()


def test_a_utf_8_form_is_read_as_before(client, user, password):
    response = client.generic(
        "POST",
        "/accounts/login/",
        data=f"username=alice&password={password}".encode(),
        content_type="application/x-www-form-urlencoded; charset=utf-8",
    )

    assert response.status_code == 302
