"""The lab's recorder: each request of a browser that opened the lab, noted in its log."""

import logging
import os
import socket
import time
from dataclasses import asdict

from django.conf import settings
from django.core.exceptions import MiddlewareNotUsed

from ops.redis_cluster import REDIS_FAILURES
from ops.redis_commands import noting
from ops.workers import current_worker
from session_state.inspection import activity_of, fingerprint_of, noted_end

from .ids import lab_id_of
from .services import record_request

logger = logging.getLogger(__name__)


class LabRecorderMiddleware:
    """
    Notes each request of a browser that has opened the lab (its lab
    cookie, SESSION_LAB_COOKIE_NAME) in that browser's log: which worker
    served it, the Redis round trips it cost and what became of its session.
    The lab's page itself is noted too, from its first opening (whose
    response gives the lab cookie): where the lab's story of the session
    starts, with the session as the page found it.

    Early in MIDDLEWARE, so that it counts the session middleware's round
    trips too. A request without the lab cookie costs a dictionary lookup
    and a comparison of its path; a request with one costs one round trip
    more, after it is counted (the log's write), so the lab never shows its
    own cost. The lab's feed is not noted, nor paths without sessions (the
    API). Not installed unless SESSION_LAB is set.
    """

    def __init__(self, get_response):
        if not settings.SESSION_LAB:
            raise MiddlewareNotUsed
        self.get_response = get_response
        self.unwatched = (settings.SESSION_LAB_PATH, *settings.SESSION_FREE_PATHS)

    def __call__(self, request):
        cookie = request.COOKIES.get(settings.SESSION_LAB_COOKIE_NAME)
        opening_the_lab = request.path == settings.SESSION_LAB_PATH
        if cookie is None and not opening_the_lab:
            return self.get_response(request)
        if request.path.startswith(self.unwatched) and not opening_the_lab:
            return self.get_response(request)
        lab_id = lab_id_of(cookie)
        if lab_id is None and not opening_the_lab:
            return self.get_response(request)
        session_id = request.COOKIES.get(settings.SESSION_COOKIE_NAME)
        fingerprint_before = fingerprint_of(session_id)
        request.lab_events = []
        started = time.monotonic()
        with noting() as round_trips:
            response = self.get_response(request)
        given = response.cookies.get(settings.SESSION_LAB_COOKIE_NAME)
        lab_id = lab_id or (lab_id_of(given.value) if given is not None else None)
        if lab_id is None:
            return response
        entry = describe(request, response, round_trips, fingerprint_before=fingerprint_before)
        entry["ms"] = round((time.monotonic() - started) * 1000, 1)
        entry["opened_lab"] = opening_the_lab
        try:
            if entry["found_gone"]:
                # Why it ended, where another request ended it: read now, before the browser forgets its id.
                noted = noted_end(session_id=session_id)
                entry["noted_end"] = asdict(noted) if noted is not None else None
            record_request(lab_id=lab_id, entry=entry)
        except REDIS_FAILURES as error:
            # The lab is no reason to fail a page the shop could serve.
            logger.warning("The lab could not record a request: %s", error)
        return response


def describe(request, response, round_trips: list[list[str]], *, fingerprint_before: str | None) -> dict:
    """What the lab shows of one request: never a cookie's value, a key, a query string or a path's tokens."""
    activity = activity_of(request.session) if hasattr(request, "session") else None
    fingerprint = activity.fingerprint if activity else None
    if response.status_code >= 500:
        # Django saves no session and sets no cookie then: the browser keeps the one it came with.
        fingerprint = fingerprint_before
    match = request.resolver_match
    return {
        "at": time.time(),
        "method": request.method,
        # The URL pattern, not the path: a password reset link's path holds its token.
        "route": "/" + match.route if match else "(no page)",
        "status": response.status_code,
        "worker": current_worker(),
        # The worker's gunicorn master: one per app server (hosts differ in Docker, where each is pid 1).
        "app_server": f"{socket.gethostname()}:{os.getppid()}",
        "round_trips": round_trips,
        "fingerprint_before": fingerprint_before,
        "fingerprint": fingerprint,
        "events": session_events(request, response, activity, fingerprint_before),
        "found_gone": bool(activity and activity.found_gone),
        # When the session times out unless used again, and by which timeout: the lab tells its end by them.
        "times_out_at": activity.times_out_at if activity and fingerprint else None,
        "times_out_by": activity.times_out_by if activity and fingerprint else None,
        "cookie": session_cookie_set(response),
        "visitor": visitor_shown(request, response),
    }


def visitor_shown(request, response) -> dict | None:
    """
    Who the page's header showed (the username, or None for a visitor
    logged out) and its cart's count, so that the lab's own header can
    follow them; None for what is not a page. Both were read for the header
    already (the count with the session): no round trip more.
    """
    if request.method != "GET" or response.status_code != 200:
        return None
    if not response.get("Content-Type", "").startswith("text/html"):
        return None
    user = request.user
    cart = getattr(request, "cart", None)
    try:
        units = cart.units if cart is not None else 0
    except REDIS_FAILURES:
        return None  # the page was served: the lab is no reason to fail it
    return {"username": user.get_username() if user.is_authenticated else None, "cart_units": units}


def session_events(request, response, activity, fingerprint_before) -> list[str]:
    """What happened to the session in this request, in the lifecycle diagram's words."""
    events = list(request.lab_events)
    if activity is None or response.status_code >= 500:
        return events
    after = activity.fingerprint
    set_cookie = settings.SESSION_COOKIE_NAME in response.cookies
    if activity.found_ended:
        events.insert(0, "found ended (timed out, or ended elsewhere)")
    elif activity.found_gone:
        events.insert(0, "found gone (the anonymous session timed out)")
    if after and after != fingerprint_before and set_cookie:
        if fingerprint_before is None or activity.found_gone or "logged out" in events:
            events.append("created")
        elif "logged in" in events:
            events.append("new key at login (the old one deleted)")
        elif activity.password_event:
            events.append(f"{activity.password_event}: new key")
        else:
            events.append("new key")
    elif after and after == fingerprint_before and set_cookie:
        events.append("slid: saved, the idle timeout starts again")
    if fingerprint_before and not after and "logged out" in events:
        events.append("ended: deleted from Redis")
    elif fingerprint_before and not after and not activity.found_gone:
        # Django refused the session's user: another password (changed where no session was ended), or deactivated.
        events.append("refused: its user's password or account changed, so it was ended")
    return events


def session_cookie_set(response) -> dict | None:
    """The session cookie's attributes as this response set them (never its value); None if it set none."""
    morsel = response.cookies.get(settings.SESSION_COOKIE_NAME)
    if morsel is None:
        return None
    return {
        "name": morsel.key,
        "deleted": morsel["max-age"] == 0 or not morsel.value,
        "attributes": {
            name: morsel[name]
            for name in ("path", "domain", "secure", "httponly", "samesite", "max-age", "expires")
            if morsel[name] not in ("", None)
        },
    }
