"""
The names our own rules use, from the modules that define them today.

The one place to change when the session_state package takes them over.
"""

from accounts import user_sessions
from accounts.sessions import ANONYMOUS_MARK, LOGGED_IN_MARK
from accounts.user_sessions import LOGIN_AT, PUBLIC_ID

__all__ = ["ANONYMOUS_MARK", "LOGGED_IN_MARK", "LOGIN_AT", "PUBLIC_ID", "user_sessions"]
