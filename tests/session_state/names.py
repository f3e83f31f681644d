"""The names our own rules use, from session_state, which defines them."""

from session_state import index, keys
from session_state.fields import LOGIN_AT, PASSWORD_AT, PUBLIC_ID, REFRESH

ANONYMOUS_MARK = keys.ANONYMOUS_MARK
LOGGED_IN_MARK = keys.LOGGED_IN_MARK

__all__ = [
    "ANONYMOUS_MARK",
    "LOGGED_IN_MARK",
    "LOGIN_AT",
    "PASSWORD_AT",
    "PUBLIC_ID",
    "REFRESH",
    "index",
    "keys",
]
