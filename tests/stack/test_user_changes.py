"""
A change to a user, made anywhere (here: manage.py shell, as an operator
would), reaches the very next request on every worker, although a
logged-in request reads its user from the record beside its session in
Redis, not from the database (session_state.user_records).
"""

from concurrent.futures import ThreadPoolExecutor

import pytest

from tests.stack.shopper import Shopper, workers_that_served

pytestmark = pytest.mark.stack

CURRENT = "/accounts/sessions/current/"


def change_user(stack, username: str, change: str) -> None:
    """Load the user in manage.py shell, run `change` on it (a statement about `user`), and save."""
    code = (
        "from django.contrib.auth import get_user_model; "
        f"user = get_user_model().objects.get(username={username!r}); {change}; user.save()"
    )
    stack.manage("shell", "-c", code)


def everywhere(shopper, path: str) -> list:
    """Eight requests at once, which land on several workers (or this fails)."""
    with ThreadPoolExecutor(max_workers=8) as pool:
        responses = list(pool.map(lambda _n: shopper.get(path), range(8)))
    assert len(set(workers_that_served(shopper.stack, responses)) - {None}) >= 2
    return responses


@pytest.fixture
def logged_in(stack, account):
    shopper = Shopper(stack)
    shopper.login(*account)
    assert all(response.json()["user"] == account[0] for response in everywhere(shopper, CURRENT))
    return shopper


def test_a_password_changed_in_the_shell_logs_the_session_out_everywhere(stack, account, logged_in):
    change_user(stack, account[0], "user.set_password('an-operators-new-password-1')")

    assert [response.json()["user"] for response in everywhere(logged_in, CURRENT)] == [None] * 8


def test_a_deactivation_in_the_shell_logs_the_session_out_everywhere(stack, account, logged_in):
    change_user(stack, account[0], "user.is_active = False")

    assert [response.json()["user"] for response in everywhere(logged_in, CURRENT)] == [None] * 8


def test_a_new_username_shows_everywhere_on_the_next_request(stack, account, logged_in):
    change_user(stack, account[0], f"user.username = {account[0] + '-renamed'!r}")

    assert [response.json()["user"] for response in everywhere(logged_in, CURRENT)] == [
        account[0] + "-renamed"
    ] * 8


def test_losing_staff_status_closes_the_admin_everywhere_on_the_next_request(stack, account, logged_in):
    change_user(stack, account[0], "user.is_staff = True")
    assert [response.status_code for response in everywhere(logged_in, "/admin/")] == [200] * 8

    change_user(stack, account[0], "user.is_staff = False")

    assert [response.status_code for response in everywhere(logged_in, "/admin/")] == [302] * 8
