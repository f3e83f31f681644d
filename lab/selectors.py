"""What the lab reads: a browser's recent requests, its own session as stored, and what they mean."""

import json
import time
from dataclasses import asdict

from django.conf import settings

from session_state.connection import redis_client
from session_state.inspection import stored_field_meanings, stored_session
from session_state.keys import lab_log

# Why each attribute of the session cookie is there (the cookie-security diagram's words).
COOKIE_REASONS = {
    "__Host- prefix": "the browser takes the cookie only over HTTPS, from this very host, for Path=/: "
    "no sibling subdomain and no plain-HTTP page can plant or overwrite it (session fixation)",
    "Secure": "never sent over plain HTTP, where anyone on the path could read it (session hijacking)",
    "HttpOnly": "no script can read it: an injected script cannot send it away",
    "SameSite=Lax": "not sent with another site's forms or hidden requests (CSRF), "
    "but still with a link followed from elsewhere",
    "Path=/": "one session for the whole shop (and required by __Host-)",
    "no Domain": "this host only (and required by __Host-)",
    "no Max-Age": "a browser-session cookie: gone when the browser closes; "
    "the server ends the session itself after the idle or absolute timeout",
}


def recent_requests(*, lab_id: str) -> list[dict]:
    """The browser's last requests, newest first, as the lab recorded them."""
    return [json.loads(entry) for entry in redis_client().lrange(lab_log(lab_id), 0, -1)]


def live_view(*, lab_id: str | None, session_id: str | None) -> dict:
    """
    Everything the lab page shows, for the browser asking and nothing of
    anyone else's: the session its own cookie names, the requests its own
    lab cookie recorded.
    """
    session = stored_session(session_id=session_id)
    log = recent_requests(lab_id=lab_id) if lab_id else []
    current = session.fingerprint if session is not None else None
    # The log follows one session (record.lua): one that is not this
    # browser's session now (it timed out since, unseen) is not shown.
    requests = log if log and log[0]["fingerprint"] == current else []
    ended = session is None and bool(log) and (log[0]["fingerprint"] is not None or bool(log[0]["events"]))
    return {
        "now": time.time(),
        "session": asdict(session) if session is not None else None,
        "fields": stored_field_meanings(),
        "cookie": {
            "name": settings.SESSION_COOKIE_NAME,
            "as_configured": cookie_attributes(),
            "reasons": COOKIE_REASONS,
            "last_set": next((r["cookie"] for r in requests if r.get("cookie")), None),
        },
        "requests": requests,
        "state": "ended" if ended else lifecycle_state(session),
    }


def cookie_attributes() -> dict:
    """The session cookie's attributes as the settings make Django set them."""
    return {
        "Secure": settings.SESSION_COOKIE_SECURE,
        "HttpOnly": settings.SESSION_COOKIE_HTTPONLY,
        "SameSite": settings.SESSION_COOKIE_SAMESITE,
        "Path": settings.SESSION_COOKIE_PATH,
        "Domain": settings.SESSION_COOKIE_DOMAIN,
        "Max-Age": None if settings.SESSION_EXPIRE_AT_BROWSER_CLOSE else settings.SESSION_COOKIE_AGE,
    }


def lifecycle_state(session) -> str:
    """
    Where the session stands in the lifecycle diagram: "none" (no session),
    "anonymous", "logged-in", or "re-authenticated" (the password typed
    lately: sensitive pages open without asking). ("ended", logged out or
    timed out and no new one yet, is told from the log: live_view.)
    """
    if session is None:
        return "none"
    if not session.logged_in:
        return "anonymous"
    recent_password = session.password_at and time.time() - session.password_at < settings.REAUTH_AFTER
    typed_since_login = session.password_at and session.login_at and session.password_at - session.login_at > 1
    return "re-authenticated" if recent_password and typed_since_login else "logged-in"
