"""
The names of what the shop keeps in a session, and how a session is
written in Redis. Private to this package: other apps ask through its
public modules (session_state.sessions, .user_sessions, .api_logins,
.inspection) and never name a field.

A session is stored as compact JSON, readable with redis-cli, at a third
of the bytes Django's names would take (docs/architecture.md has the
table): every field has a short name, Django's own (_auth_user_id, ...)
included, translated on the way in and out; the login's backend is stored
by its class name and a digest of its path; the session auth hash in base64url instead of hex; and
times in whole seconds, the login's to the millisecond. A session written under the long names (before
this format) still reads: a deploy logs nobody out.
"""

import base64
import binascii
import copy
import functools
import hashlib
import json
import logging
import math

from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY

logger = logging.getLogger(__name__)

LOGIN_AT = "_l"  # when the user logged in (the absolute timeout counts from it)
PASSWORD_AT = "_p"  # when the user last typed their password (re-authentication)
SEEN_AT = "_s"  # when the session was last used, at the pace of the idle refresh
PUBLIC_ID = "_i"  # the id that names this session in pages and URLs, never its key
CLIENT_IP = "_ip"  # the address nginx saw at login
CLIENT_AGENT = "_ua"  # "Firefox 128 on Windows", from the User-Agent at login

# An API login's (session_state.token_logins); its script names them too.
USER_ID = "_au"  # the user's id
REFRESH = "_r"  # the keyed hash of its current refresh token, never the token
PREVIOUS_REFRESH = "_rp"  # the keyed hash of the token it replaced
ROTATED_AT = "_rt"  # when it was replaced (the reuse grace counts from it)
CLIENT_ID = "_c"  # the OAuth client (the app) it was issued to (session_state.models.OAuthClient)

# Django's own fields, stored under short names. Every name begins with an
# underscore, as Django's do: an app's own keys in a session never do.
SESSION_EXPIRY = "_session_expiry"  # set_expiry()'s, as SessionBase keeps it
STORED_NAMES = {SESSION_KEY: "_u", BACKEND_SESSION_KEY: "_b", HASH_SESSION_KEY: "_h", SESSION_EXPIRY: "_x"}
_DJANGO_NAMES = {short: name for name, short in STORED_NAMES.items()}

# What each stored name means, for the session lab (lab/), which shows a
# visitor their session as stored.
MEANINGS = {
    STORED_NAMES[SESSION_KEY]: "the user's id (Django's _auth_user_id)",
    STORED_NAMES[
        BACKEND_SESSION_KEY
    ]: "the backend that logged them in (Django's _auth_user_backend): class name and a digest of its path",
    STORED_NAMES[
        HASH_SESSION_KEY
    ]: "the session auth hash (Django's _auth_user_hash): a password change ends the session (hidden here)",
    STORED_NAMES[SESSION_EXPIRY]: "an expiry set with set_expiry() (Django's _session_expiry)",
    LOGIN_AT: "when the user logged in: the absolute timeout counts from it",
    PASSWORD_AT: "when the user last typed their password: sensitive pages ask again after a while",
    SEEN_AT: "when the session was last seen: the idle timeout slides from it",
    PUBLIC_ID: "the id that names this session on the sessions page (never its key)",
    CLIENT_IP: "the address the login came from",
    CLIENT_AGENT: "the browser the login came from",
}

# Times rounded down, never later than they were: in whole seconds (a
# password typed, a session seen or rotated that much earlier asks again
# or refreshes that much sooner), but the login's to the millisecond, since
# the absolute timeout counts from it (in whole seconds a session would
# end up to a second early).
_WHOLE_SECONDS = (PASSWORD_AT, SEEN_AT, ROTATED_AT)
_MILLISECONDS = (LOGIN_AT,)

# The names sessions were written under before this format, read still.
FORMER_NAMES = {
    "_login_at": LOGIN_AT,
    "_password_at": PASSWORD_AT,
    "_seen_at": SEEN_AT,
    "_public_id": PUBLIC_ID,
    "_agent": CLIENT_AGENT,
    "_api_user": USER_ID,
    "_refresh": REFRESH,
    "_refresh_previous": PREVIOUS_REFRESH,
    "_rotated_at": ROTATED_AT,
}


_LONG_NAMES = {short: long for long, short in FORMER_NAMES.items()}
# Every name a session is read under, short or former -> the name in its data.
_READ_NAMES = {**FORMER_NAMES, **_DJANGO_NAMES}
_STORED_BACKEND = STORED_NAMES[BACKEND_SESSION_KEY]
_STORED_HASH = STORED_NAMES[HASH_SESSION_KEY]
_FROM_URLSAFE = str.maketrans("-_", "+/")


def encode(data: dict) -> str:
    """A session's data as stored: compact JSON, never pickle (unpickling what Redis returns runs code)."""
    if writes_long_names():
        # As the release before short names wrote it, for a release that bridges a rolling deploy.
        return json.dumps(
            {_LONG_NAMES.get(name, name): value for name, value in data.items()}, separators=(",", ":")
        )
    stored = {}
    for name, value in data.items():
        if name == BACKEND_SESSION_KEY:
            value = _backend_code(value)
        elif name == HASH_SESSION_KEY:
            value = _hash_code(value)
        elif name in _WHOLE_SECONDS and isinstance(value, float):
            value = math.floor(value)
        elif name in _MILLISECONDS and isinstance(value, float):
            value = math.floor(value * 1000) / 1000
        stored[STORED_NAMES.get(name, name)] = value
    return json.dumps(stored, separators=(",", ":"))


def writes_long_names() -> bool:
    """Whether sessions are written under the former long names (SESSION_STORED_NAMES = "long")."""
    return settings.SESSION_STORED_NAMES == "long"


def decode(stored: bytes | None) -> dict | None:
    """
    A session's data from what Redis returned; None for none, or for
    anything that is not ours. Each call gets data of its own to change.

    Decoded once for the same bytes (and AUTHENTICATION_BACKENDS, which a
    backend's code is read against): a session's bytes stay the same from
    one request to the next until it is saved (at most once a minute when
    nothing changes: session_state.store), and its JSON would be read and
    renamed again for the same answer. What is kept is never handed out:
    a copy is.
    """
    if stored is None:
        return None
    data, flat = _decoded(stored, tuple(settings.AUTHENTICATION_BACKENDS))
    if data is None:
        return None
    return dict(data) if flat else copy.deepcopy(data)


# How many sessions' decoded data a worker keeps (decode()): a few hundred
# bytes each.
DECODED_SESSIONS_KEPT = 1024
_FLAT = (str, int, float, bool, type(None))


@functools.lru_cache(maxsize=DECODED_SESSIONS_KEPT)
def _decoded(stored: bytes | str, backends: tuple[str, ...]) -> tuple[dict | None, bool]:
    """A session's data, and whether every value in it is a plain value (a shallow copy is then its own)."""
    data = _decode(stored)
    return data, data is None or all(type(value) in _FLAT for value in data.values())


def _decode(stored: bytes | str) -> dict | None:
    try:
        # Sessions are written as UTF-8 (encode()): decoded as such, json
        # need not guess the encoding on every read.
        data = json.loads(stored.decode() if isinstance(stored, bytes) else stored)
    except ValueError:  # UnicodeDecodeError too
        data = None
    if not isinstance(data, dict):
        logger.warning("A session in Redis is not a JSON object; treated as no session.")
        return None
    # Read on every request of a session: one pass renames, then the two
    # values stored in a form of their own are turned back into Django's.
    decoded = {_READ_NAMES.get(name, name): value for name, value in data.items()}
    if _STORED_BACKEND in data:
        decoded[BACKEND_SESSION_KEY] = _backend_path(data[_STORED_BACKEND])
    if _STORED_HASH in data:
        decoded[HASH_SESSION_KEY] = _hash_hex(data[_STORED_HASH])
    return decoded


def _backend_code(path):
    """
    A backend of AUTHENTICATION_BACKENDS by its class name and a digest of
    its dotted path ("ThrottledModelBackend#1f2e3d"): readable, and never
    taken for another backend of the same class name elsewhere.
    """
    if not isinstance(path, str) or path not in settings.AUTHENTICATION_BACKENDS:
        return path
    return f"{path.rpartition('.')[2]}#{_path_digest(path)}"


def _backend_path(code):
    """
    The backend's dotted path again. A code that names no backend of
    AUTHENTICATION_BACKENDS stays as it is: Django then refuses the session,
    as it does for a backend taken out of the settings.
    """
    if not isinstance(code, str) or "#" not in code:
        return code
    return _paths_by_code(tuple(settings.AUTHENTICATION_BACKENDS)).get(code, code)


@functools.cache
def _paths_by_code(backends: tuple[str, ...]) -> dict[str, str]:
    """Each code -> its backend's path, once per AUTHENTICATION_BACKENDS; a code two paths share names neither."""
    paths_of: dict[str, list[str]] = {}
    for path in backends:
        paths_of.setdefault(_backend_code(path), []).append(path)
    return {code: paths[0] for code, paths in paths_of.items() if len(paths) == 1}


def _path_digest(path: str) -> str:
    return hashlib.sha256(path.encode()).hexdigest()[:6]


def _hash_code(value):
    """Django's session auth hash (a SHA-256: 64 hex characters) in base64url (43)."""
    try:
        digest = bytes.fromhex(value)
    except (TypeError, ValueError):
        digest = None
    if digest is None or len(digest) != 32:
        return value  # not Django's: kept, and compared, as it is
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode()


def auth_hash_from_stored(value: str) -> str:
    """Django's session auth hash, in hex, as a session or an API login stores it (base64url; hex under long names)."""
    return _hash_hex(value)


def _hash_hex(value):
    if not isinstance(value, str) or len(value) != 43:
        return value
    try:
        # base64.urlsafe_b64decode(), without its layers of Python: this runs on every request.
        return binascii.a2b_base64((value + "=").translate(_FROM_URLSAFE)).hex()
    except (binascii.Error, ValueError):
        return value
