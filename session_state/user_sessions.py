"""
A user's sessions: the list of their live sessions and API logins (the
sessions page), and ending one or all of them, whichever device they are on.

Called by accounts (the sessions page, logging out everywhere, the admin's
action, a password change or reset) and by the API (logging out of every
login). The index behind them is session_state.index's, private to the
package. With another engine than the shop's (SESSION_BACKEND, for the
benchmark and the demos) there is no list: sessions_of() answers none.
"""

from django.contrib.sessions.backends.base import SessionBase

from . import index
from .sessions import is_ours, public_id_of, tag_of_user

__all__ = [
    "UserSession",
    "end_all_sessions",
    "end_session",
    "sessions_of",
]

UserSession = index.UserSession


def sessions_of(*, user, current: SessionBase | None) -> list[UserSession]:
    """The user's live sessions and API logins, newest first, the current one (if any) marked."""
    if current is not None and not is_ours(current):
        return []
    current_public_id = public_id_of(current) if current is not None else None
    return index.list_sessions(tag=tag_of_user(user), current_public_id=current_public_id)


def end_session(*, user, public_id: str) -> bool:
    """End one of the user's sessions, whichever device it is on; False if there is none."""
    return bool(index.end(tag=tag_of_user(user), public_ids=[public_id], why="another device"))


def end_all_sessions(*, user, except_session: SessionBase | None = None) -> int:
    """
    End every session of the user, but except_session if given; how many
    ended. Why, as the session lab tells it: from the device of
    except_session, by a password change if its user has just changed
    theirs there (note_password_entry), or all at once where none is kept.
    """
    if except_session is None:
        return index.end_all(tag=tag_of_user(user), why="every session")
    why = (
        "password changed" if getattr(except_session, "password_event", None) == "password changed" else None
    )
    return index.end_all(
        tag=tag_of_user(user), except_public_id=public_id_of(except_session), why=why or "another device"
    )
