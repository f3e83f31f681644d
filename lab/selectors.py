"""What the lab reads: a browser's recent requests, its own session as stored, and what they mean."""

import json
import time
from dataclasses import asdict

from django.conf import settings

from session_state.connection import redis_client
from session_state.inspection import (
    ENDED_BY,
    fingerprint_of,
    noted_end,
    stored_field_meanings,
    stored_session,
)
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


# How early a session may be gone from Redis and still have timed out: its
# "last seen" is kept to the second, its TTL to the millisecond.
TIMEOUT_TOLERANCE = 1.0

_A_MOMENT = 0.001

# The end of a session in a word or two, for the lifecycle diagram (ends' "why").
END_WORDS = {
    "logout": "you logged out",
    "idle timeout": "the idle timeout",
    "absolute timeout": "the absolute timeout",
    "another device": "another device",
    "password changed": "a password change",
    "every session": "all sessions ended",
    "account deactivated": "account deactivated",
    "too many sessions": "too many sessions",
    "refused": "refused by the shop",
    "gone": "gone early",
    "unseen": "out of sight",
}


def live_view(*, lab_id: str | None, session_id: str | None) -> dict:
    """
    Everything the lab page shows, for the browser asking and nothing of
    anyone else's: the session its own cookie names, the requests its own
    lab cookie recorded, and the life of its sessions they tell, their ends
    among them.
    """
    now = time.time()
    session = stored_session(session_id=session_id)
    log = recent_requests(lab_id=lab_id) if lab_id else []
    holds = fingerprint_of(session_id)
    # Shown while the browser holds the session its newest request left it
    # with, alive or ended since; another is a change out of the lab's sight.
    requests = log if log and log[0]["fingerprint"] == holds else []
    # The browser's cookie names a session Redis no longer has: it ended unseen.
    gone = holds if holds is not None and session is None else None
    ends, story = tell(requests, gone=gone, noted=noted_end(session_id=session_id) if gone else None, now=now)
    story = told_before(session, requests) + story
    state = lifecycle_state(session) if session is not None else "ended" if ends else "none"
    return {
        "now": now,
        "session": asdict(session) if session is not None else None,
        "fields": stored_field_meanings(),
        "cookie": {
            "name": settings.SESSION_COOKIE_NAME,
            "as_configured": cookie_attributes(),
            "reasons": COOKIE_REASONS,
            "last_set": next((r["cookie"] for r in requests if r.get("cookie")), None),
        },
        # Who each page showed stays here: an earlier session's user is no one's business now.
        "requests": [{name: value for name, value in r.items() if name != "visitor"} for r in requests],
        "ends": ends[::-1],
        "story": story,
        "state": state,
        "end": ends[-1] if state == "ended" else None,
        "visitor": visitor_shown(session, requests),
    }


def tell(requests: list[dict], *, gone: str | None, noted, now: float) -> tuple[list[dict], list[dict]]:
    """
    The ends of the sessions the log followed, and the story of their lives
    (both oldest first): what each request did to its session, the lab's
    opening, and each end with why: a logout or a refusal in a request, one
    a request found (and one gone now, unseen: gone, the fingerprint the
    browser's cookie still names; noted, why another request ended it)
    told by what was noted of it, or else by its timeouts.
    """
    ends, story, timeouts = [], [], {}

    def end(why, *, fingerprint, at, entry, after=False):
        if at is not None:
            order = at + (_A_MOMENT if after else 0)
        else:  # not known: just before the request that found it, or just after the last one seen
            order = entry["at"] - _A_MOMENT if entry else requests[0]["at"] + _A_MOMENT if requests else now
        told = {
            "fingerprint": fingerprint,
            "why": why,
            "words": END_WORDS.get(why, why),
            "says": says(why),
            "at": at,
            "order": order,  # where it comes among the requests (at, when known)
            "request": f"{entry['method']} {entry['route']}" if entry else None,
        }
        ends.append(told)
        story.append(
            {"at": at, "says": told["says"], "request": told["request"], "worker": None, "end": True}
        )

    def inferred(fingerprint, *, by, noted, entry):
        """An end found after the fact: noted, or timed out, or neither."""
        if noted:
            return end(noted["why"], fingerprint=fingerprint, at=noted["at"], entry=entry)
        times_out_at, times_out_by = timeouts.get(fingerprint, (None, None))
        if times_out_at is None:
            return end("unseen", fingerprint=fingerprint, at=None, entry=entry)
        if by >= times_out_at - TIMEOUT_TOLERANCE:
            return end(times_out_by, fingerprint=fingerprint, at=times_out_at, entry=entry)
        return end("gone", fingerprint=fingerprint, at=None, entry=entry)

    for entry in reversed(requests):
        before, events = entry["fingerprint_before"], entry["events"]
        if before and any(event.startswith("found ") for event in events):
            inferred(before, by=entry["at"], noted=entry.get("noted_end"), entry=entry)
        said = {
            "at": entry["at"],
            "request": f"{entry['method']} {entry['route']}",
            "worker": entry["worker"],
        }
        if entry.get("opened_lab"):
            story.append(
                {**said, "says": "you opened the lab: from here on it records your requests", "end": False}
            )
        for event in events:
            if not event.startswith(("ended:", "refused:")):  # told as the end, below
                story.append({**said, "says": event, "end": False})
        if before and "logged out" in events:
            end("logout", fingerprint=before, at=entry["at"], entry=entry, after=True)
        elif before and any(event.startswith("refused:") for event in events):
            end("refused", fingerprint=before, at=entry["at"], entry=entry, after=True)
        if entry["fingerprint"] and entry.get("times_out_at"):
            timeouts[entry["fingerprint"]] = (entry["times_out_at"], entry["times_out_by"])
    if gone is not None:
        inferred(gone, by=now, noted=asdict(noted) if noted else None, entry=None)
    return ends, story


def says(why: str) -> str:
    """An end of a session, in a sentence."""
    if why == "logout":
        return "You logged out: your session was deleted from Redis, and its cookie is worth nothing now."
    if why == "idle timeout":
        return (
            f"Your session timed out: no request for {duration(settings.SESSION_COOKIE_AGE)} "
            "(the idle timeout), so Redis expired it."
        )
    if why == "absolute timeout":
        return (
            f"Your session reached the absolute timeout, {duration(settings.SESSION_ABSOLUTE_TIMEOUT)} "
            "after login, whatever you did: Redis expired it."
        )
    if why == "refused":
        return "The shop refused your session and ended it: its user's password or account changed."
    if why == "gone":
        return (
            "Your session was gone from Redis before its time: ended elsewhere, "
            "or Redis lost it (nothing noted why)."
        )
    if why in ENDED_BY:
        return f"Your session {ENDED_BY[why]}."
    return "Your session ended out of the lab's sight: it timed out, or was ended elsewhere."


def told_before(session, requests: list[dict]) -> list[dict]:
    """What the stored session tells of its life before the log's first request: its login."""
    if session is None or not session.login_at or (requests and requests[-1]["at"] <= session.login_at):
        return []
    says = "logged in, before the lab opened (the requests from then on were not recorded)"
    return [{"at": session.login_at, "says": says, "request": None, "worker": None, "end": False}]


def visitor_shown(session, requests: list[dict]) -> dict | None:
    """
    Who the shop's header shows now, for the lab's own to follow: the last
    page of this session recorded showed it (the username, or None, and the
    cart's count); none without a session. None where no page of this
    session was recorded: the lab page's own header, drawn with it, stands.
    """
    if session is None:
        return {"username": None, "cart_units": 0}
    for entry in requests:
        if entry["fingerprint"] != session.fingerprint:
            break
        if entry.get("visitor"):
            return entry["visitor"]
    return None


def duration(seconds: float) -> str:
    """A duration as people say it: "45 s", "12 min 5 s", "11 h 59 min"."""
    seconds = round(seconds)
    hours, minutes, rest = seconds // 3600, seconds % 3600 // 60, seconds % 60
    if hours:
        return f"{hours} h {minutes} min" if minutes else f"{hours} h"
    if minutes:
        return f"{minutes} min {rest} s" if rest else f"{minutes} min"
    return f"{rest} s"


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
    lately: sensitive pages open without asking). ("ended", logged out,
    timed out or ended elsewhere and no new one yet, is told from the log:
    live_view.)
    """
    if session is None:
        return "none"
    if not session.logged_in:
        return "anonymous"
    recent_password = session.password_at and time.time() - session.password_at < settings.REAUTH_AFTER
    typed_since_login = (
        session.password_at and session.login_at and session.password_at - session.login_at > 1
    )
    return "re-authenticated" if recent_password and typed_since_login else "logged-in"
