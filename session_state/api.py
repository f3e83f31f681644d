"""
What other apps may ask of sessions: the public API of session_state.

Nothing outside this package decodes a session, builds one of its keys or
names one of its fields; it calls these instead. They take a session (a
request's `request.session`) or a user, never the request.

With another engine than the shop's (SESSION_BACKEND, kept only for the
benchmark and the demos) the owner of a session is found from its data and
its user instead of its id, and what needs the shop's engine (reading a
session along with other work, the list of one's sessions) does nothing.
"""

import json
import time
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY, get_user_model
from django.contrib.sessions.backends.base import SessionBase

from . import access_tokens, index, keys, revocations, token_logins, user_records
from .access_tokens import AccessToken, InvalidAccessToken
from .connection import redis_client
from .fields import FORMER_NAMES, LOGIN_AT, MEANINGS, PASSWORD_AT, PUBLIC_ID, SEEN_AT, STORED_NAMES, decode
from .lua import LuaScript
from .models import UserTag
from .revocations import RevocationsUnknown
from .store import SessionStore, slide_interval
from .token_logins import InvalidRefreshToken, TokenPair

__all__ = [
    "AccessToken",
    "InvalidAccessToken",
    "InvalidRefreshToken",
    "Owner",
    "RevocationsUnknown",
    "SessionActivity",
    "StoredSession",
    "TokenPair",
    "UserSession",
    "activity_of",
    "check_access_token",
    "claimed_owner",
    "describe",
    "end_all_sessions",
    "end_session",
    "end_token_login",
    "ensure_owner",
    "fingerprint_of",
    "is_ours",
    "note_password_entry",
    "owner_of",
    "public_id_of",
    "read_along",
    "reads_along",
    "record_password_entry",
    "refresh_token_login",
    "revoke_token",
    "seconds_since_password",
    "sessions_of",
    "start_token_login",
    "stored_field_meanings",
    "stored_session",
    "tag_of_user",
    "take_visitor_tag_before_login",
    "user_of_access_token",
]

UserSession = index.UserSession

# Kept in the data of a session of another engine only: the shop's own
# carry their owner's tag in their id.
_VISITOR_TAG = "_visitor_tag"


@dataclass(frozen=True)
class Owner:
    """Whoever a session belongs to: a user, or an anonymous visitor; what they own is found by the tag."""

    tag: str
    is_user: bool


def tag_of_user(user) -> str:
    """The user's tag (session_state.keys): made at their first login, never changed."""
    cached = getattr(user, "_session_tag", None)
    if cached is None:
        cached = user._session_tag = UserTag.objects.get_or_create(user_id=user.pk)[0].tag
    return cached


def is_ours(session: SessionBase) -> bool:
    """Whether the session is the shop's engine's (SESSION_BACKEND can choose another, for comparisons)."""
    return isinstance(session, SessionStore)


def owner_of(session: SessionBase, *, user) -> Owner | None:
    """
    Whose the session is, once Django has checked its user; None for a
    visitor without a session yet, and for a session whose user Django
    refuses (deactivated or deleted: Django leaves such a session be, and
    it is no one's). Reads the session (and the user) if no one has yet.
    """
    logged_in = user.is_authenticated  # Django's checks first: a session it refuses may be flushed
    if is_ours(session):
        if session.session_key is None or session.is_logged_in_session != logged_in:
            return None
        return Owner(tag=session.owner_tag, is_user=logged_in)
    if logged_in:
        return Owner(tag=tag_of_user(user), is_user=True)
    tag = session.get(_VISITOR_TAG)
    return Owner(tag=tag, is_user=False) if tag else None


def claimed_owner(session: SessionStore) -> Owner:
    """
    Whose the session's id says it is, before anything has read it: for a
    script that reads the session along with what its owner owns
    (read_along). Not yet checked: the session may be gone, or Django may
    refuse its user; owner_of() answers once it is read.
    """
    return Owner(tag=session.owner_tag, is_user=session.is_logged_in_session)


def ensure_owner(session: SessionBase, *, user) -> Owner:
    """The session's owner, giving a visitor without one a session now (a Redis write)."""
    owner = owner_of(session, user=user)
    if owner is not None:
        return owner
    if is_ours(session):
        if session.session_key is not None:
            session.flush()  # a session whose user Django refuses: ended, not taken over
        session.save()  # creates one: the new id carries the visitor's tag
    else:
        session[_VISITOR_TAG] = keys.new_tag()
    return owner_of(session, user=user)


def read_along(session: SessionStore, *, script: LuaScript, its_keys: list[str], args: list) -> list:
    """
    Run a script that reads the session along with its own work, in one round trip.

    The script's KEYS[1] is the session's key and KEYS[2] the key of its
    user's record (session_state.user_records), which it may only read (GET
    or EXISTS); its own keys (its_keys) follow. Its first two answers must
    be the session and the record as stored (GET; the record only when the
    session exists), which the store takes as if it had loaded them
    (SessionStore.adopt: the same checks). The rest of its answer is
    returned. Only for a session of the
    shop's engine with an id and not read yet (reads_along()).
    """
    answer = script(
        client=redis_client(), keys=[session.redis_key, session.user_record_key, *its_keys], args=args
    )
    session.adopt(answer[0], answer[1])
    return answer[2:]


def reads_along(session: SessionBase) -> bool:
    """Whether read_along() can read this session: the shop's, with an id, not read yet."""
    return is_ours(session) and session.session_key is not None and not session.loaded


def take_visitor_tag_before_login(session: SessionBase) -> str | None:
    """
    The tag of the visitor whose session this was until it logged in during
    this request, so that what they owned can be given to the user (their
    cart, merged at login); once: a second call answers None.
    """
    if is_ours(session):
        tag, session.previous_visitor_tag = session.previous_visitor_tag, None
        return tag
    # Another engine keeps the data through login(), the visitor's tag too.
    return session.pop(_VISITOR_TAG, None)


def public_id_of(session: SessionBase) -> str | None:
    """The id that names the session in pages and URLs, never its key; None unless listed."""
    return session.get(PUBLIC_ID) if is_ours(session) else None


def sessions_of(*, user, current: SessionBase | None) -> list[UserSession]:
    """The user's live sessions and API logins, newest first, the current one (if any) marked."""
    if current is not None and not is_ours(current):
        return []
    current_public_id = public_id_of(current) if current is not None else None
    return index.list_sessions(tag=tag_of_user(user), current_public_id=current_public_id)


def end_session(*, user, public_id: str) -> bool:
    """End one of the user's sessions, whichever device it is on; False if there is none."""
    return bool(index.end(tag=tag_of_user(user), public_ids=[public_id]))


def end_all_sessions(*, user, except_session: SessionBase | None = None) -> int:
    """End every session of the user, but except_session if given; how many ended."""
    keep = public_id_of(except_session) if except_session is not None else None
    return index.end_all(tag=tag_of_user(user), except_public_id=keep)


def describe(session: SessionBase) -> dict:
    """
    The session as its owner may see it (GET /accounts/sessions/current/):
    what the sessions page shows of it, and when it ends at the latest.
    Never its key.
    """
    login_at, seen_at = session.get(LOGIN_AT), session.get(SEEN_AT)
    return {
        "public_id": public_id_of(session),
        "started": index.as_datetime(login_at).isoformat() if login_at else None,
        "last_seen": index.as_datetime(seen_at).isoformat() if seen_at else None,
        "ends_at_the_latest": (
            index.as_datetime(login_at + settings.SESSION_ABSOLUTE_TIMEOUT).isoformat() if login_at else None
        ),
        "idle_timeout_seconds": settings.SESSION_COOKIE_AGE,
    }


def seconds_since_password(session: SessionBase) -> float:
    """How long ago the session's user last typed their password (at login or re-authentication)."""
    return time.time() - session.get(PASSWORD_AT, 0)


def record_password_entry(session: SessionBase) -> None:
    """The user just typed their password: a new session id, and the re-authentication clock restarts."""
    session.cycle_key()
    note_password_entry(session)
    session.password_event = "re-authenticated"


def note_password_entry(session: SessionBase) -> None:
    """
    The re-authentication clock restarts, the session id unchanged: for a
    session that has just had a new one (update_session_auth_hash, after a
    password change).
    """
    session[PASSWORD_AT] = time.time()
    session.password_event = "password changed"  # for this request only (activity_of), never stored


# --- API logins (session_state.token_logins) --------------------------------


def start_token_login(*, user, address: str, user_agent: str) -> TokenPair:
    """An API login for a user whose password has just been checked: a token pair, listed like a session."""
    return token_logins.log_in(user=user, tag=tag_of_user(user), address=address, user_agent=user_agent)


def refresh_token_login(*, refresh_token: str) -> TokenPair:
    """The next token pair (rotation); InvalidRefreshToken if that token is no longer good (reuse ends its login)."""
    return token_logins.refresh(refresh_token)


def check_access_token(*, token: str) -> AccessToken:
    """
    What a valid access token says: signed by us, unexpired, its login not
    ended (checked in this worker's memory, no Redis round trip).
    InvalidAccessToken otherwise; RevocationsUnknown when this worker
    cannot tell (it has not heard from Redis lately).
    """
    verified = access_tokens.verify(token)
    if revocations.is_revoked(verified.login_id):
        raise InvalidAccessToken("its login has ended")
    return verified


def user_of_access_token(token: AccessToken):
    """
    The active user a checked access token names, or None: from their record
    in Redis (no database query), else from the database (one query, and the
    missing record written).
    """
    model = get_user_model()
    if not keys.is_tag(token.subject):
        # A token issued before tokens named the user by tag (`sub` was the
        # user id): it lives API_ACCESS_TOKEN_LIFETIME at the most.
        subject = token.subject if token.subject.isdigit() else None
        return model._default_manager.filter(pk=subject, is_active=True).first() if subject else None
    user = user_records.read_active_user(tag=token.subject)
    if user is None:
        user = model._default_manager.filter(session_tag__tag=token.subject, is_active=True).first()
        if user is not None:
            user_records.write(tag=token.subject, user=user, only_if_missing=True)
    if user is not None:
        user._session_tag = token.subject  # as tag_of_user() keeps it: no query for it
    return user


def end_token_login(*, user, login_id: str) -> bool:
    """End the API login (its refresh token, and its access tokens on every worker); False if it had ended."""
    return end_session(user=user, public_id=login_id)


def revoke_token(*, token: str) -> None:
    """
    RFC 7009: end the login a token belongs to, be it a refresh token or an
    access token; anything else, an expired or unknown token, changes
    nothing. (RFC 7009's token_type_hint is not needed: the two kinds can
    never be taken for each other.)
    """
    found = token_logins.login_of_refresh_token(token) or _login_of_access_token(token)
    if found is not None:
        tag, login_id = found
        index.end(tag=tag, public_ids=[login_id])


def _login_of_access_token(token: str) -> tuple[str, str] | None:
    try:
        verified = access_tokens.verify(token)
    except InvalidAccessToken:
        return None
    tag = verified.subject if keys.is_tag(verified.subject) else UserTag.existing(verified.subject)
    return None if tag is None else (tag, verified.login_id)


# --- The session lab (lab/): a visitor watching their own session -----------


def fingerprint_of(session_id: str | None) -> str | None:
    """A short name for a session id that shows nothing of it; None for what is no id of ours (or no id)."""
    return keys.fingerprint(session_id) if keys.is_session_id(session_id) else None


@dataclass(frozen=True)
class SessionActivity:
    """What a request did with its session, as far as it read it (activity_of)."""

    fingerprint: str | None
    logged_in: bool
    password_event: str | None  # "re-authenticated", "password changed", or None
    found_ended: bool  # the logged-in session presented had ended (timed out, or ended elsewhere)
    found_gone: bool  # the id presented named no session (found_ended, or a visitor's that timed out)


def activity_of(session: SessionBase) -> SessionActivity | None:
    """
    The session at the end of a request, from what the request has read
    (never reading it now); None for another engine's.
    """
    if not is_ours(session):
        return None
    return SessionActivity(
        fingerprint=fingerprint_of(session.session_key),
        logged_in=session.is_logged_in_session,
        password_event=session.password_event,
        found_ended=session.ended,
        found_gone=session.presented_gone,
    )


@dataclass(frozen=True)
class StoredSession:
    """A session as Redis holds it, and its clocks (epoch seconds), for its own holder's eyes."""

    fingerprint: str
    logged_in: bool
    stored: str  # the JSON as stored, secrets' values hidden (_without_secrets)
    ttl_ms: int
    seen_at: float | None
    login_at: float | None
    password_at: float | None
    idle_ends_at: float | None  # if nothing uses it before then
    absolute_ends_at: float | None  # whatever happens
    next_slide_from: float | None  # the first request from then on slides the idle timeout
    idle_timeout: int
    absolute_timeout: int


def stored_session(*, session_id: str | None) -> StoredSession | None:
    """
    The session a request's own cookie names, as stored, in one round trip
    (GET and PTTL); None if there is none. A read by a watcher (the lab's
    live view): not a use of the session, which goes on timing out.
    """
    if not keys.is_session_id(session_id):
        return None
    with redis_client().pipeline(transaction=False) as pipeline:
        stored, ttl_ms = pipeline.get(keys.session(session_id)).pttl(keys.session(session_id)).execute()
    data = decode(stored)
    if data is None or ttl_ms < 0:
        return None
    seen_at, login_at = data.get(SEEN_AT), data.get(LOGIN_AT)
    absolute_ends_at = login_at + settings.SESSION_ABSOLUTE_TIMEOUT if login_at else None
    idle_ends_at = seen_at + settings.SESSION_COOKIE_AGE if seen_at else time.time() + ttl_ms / 1000
    return StoredSession(
        fingerprint=keys.fingerprint(session_id),
        logged_in=keys.is_logged_in_id(session_id),
        stored=_without_secrets(stored),
        ttl_ms=ttl_ms,
        seen_at=seen_at,
        login_at=login_at,
        password_at=data.get(PASSWORD_AT),
        idle_ends_at=min(idle_ends_at, absolute_ends_at) if absolute_ends_at else idle_ends_at,
        absolute_ends_at=absolute_ends_at,
        next_slide_from=seen_at + slide_interval() if seen_at else None,
        idle_timeout=settings.SESSION_COOKIE_AGE,
        absolute_timeout=settings.SESSION_ABSOLUTE_TIMEOUT,
    )


def _without_secrets(stored: bytes) -> str:
    """
    The stored JSON, the values of secrets hidden: the session auth hash,
    and anything the shop does not name (Django's password-reset token while
    a reset is under way): the lab's page can be read by a script of the
    shop's origin, where a cookie's HttpOnly keeps the key itself away.
    """
    shown = {
        name: value if name in _SHOWN_FIELDS else "(hidden)" for name, value in json.loads(stored).items()
    }
    return json.dumps(shown, separators=(",", ":"))


_SHOWN_FIELDS = (set(MEANINGS) | set(FORMER_NAMES) | {SESSION_KEY, BACKEND_SESSION_KEY}) - {STORED_NAMES[HASH_SESSION_KEY]}


def stored_field_meanings() -> dict[str, str]:
    """What each name in a stored session means (fields.MEANINGS)."""
    return dict(MEANINGS)
