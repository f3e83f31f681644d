"""
API logins: what a phone holds instead of a session cookie.

An API login is a session like a browser's, kept in Redis under an id with
the user's tag and listed in the user's index (session_state.index), so
it shows on the sessions page, counts toward MAX_SESSIONS_PER_USER, and
ends the same ways. Its id is marked "t" and is never a cookie (the
session store accepts only "a" and "u" ids). The phone holds two tokens:

- an access token (session_state.access_tokens): a JWT, 15 minutes, naming
  the login by its public id (`sid`), checked without Redis; ending the
  login revokes it on every worker (session_state.revocations);
- a refresh token: "<login id>.<secret>", opaque, 256 random bits in its
  first generation. Redis keeps only a keyed hash of the secret, so a copy
  of Redis yields no usable token.

Every refresh consumes the token and issues the next pair (refresh.lua, in
one step). The token of generation n+1 is derived from generation n's
with a keyed hash (_successor), so a phone that sends generation n again
within API_REFRESH_REUSE_GRACE seconds (it lost the answer; two threads
refreshed at once) gets the same generation n+1 back, never a second one:
the family never forks. Generation n sent after the grace, or anything
older, is reuse of a superseded token, most likely stolen: the login ends
(its access tokens revoked first, then its refresh token) and the event is
logged. A refresh for a user no longer active ends the login too.

A login is made under a password, as a browser's session is: it keeps the
user's session auth hash (Django's HMAC of the password hash), and a
password changed by any path ends it. Saved through the model (the shop's
views, the admin's password form, set_password() and save() in a shell or
a migration that uses the real model) the change ends the user's API
logins made under another password once it is committed (session_state.
receivers), their access tokens refused on every worker. A change that
sends no signal (QuerySet.update(), SQL) is caught at the next refresh,
which compares the hash with the database's (invalid_grant); its access
tokens then die within API_ACCESS_TOKEN_LIFETIME.

A refresh token lives API_REFRESH_IDLE_LIFETIME since its login was last
refreshed, and never past API_REFRESH_ABSOLUTE_LIFETIME since the login:
the key's TTL is the earlier of the two, and rotation never extends the
second.
"""

import base64
import logging
import secrets
import time
from dataclasses import dataclass
from enum import IntEnum

from django.conf import settings
from django.contrib.auth import HASH_SESSION_KEY, get_user_model
from django.contrib.auth.models import update_last_login
from django.utils.crypto import constant_time_compare, salted_hmac

from . import access_tokens, index, keys, user_records
from .connection import redis_client, wait_for_a_replica
from .fields import (
    CLIENT_AGENT,
    CLIENT_ID,
    CLIENT_IP,
    LOGIN_AT,
    PASSWORD_AT,
    PREVIOUS_REFRESH,
    PUBLIC_ID,
    REFRESH,
    ROTATED_AT,
    SEEN_AT,
    USER_ID,
    auth_hash_from_stored,
    decode,
    encode,
    writes_long_names,
)
from .lua import LuaScript
from .models import UserTag

security_log = logging.getLogger("session_state.security")

SECRET_LENGTH = 43  # base64url of 32 bytes: 256 bits


class RefreshAnswer(IntEnum):
    ROTATED = 1  # the current token: the next generation is stored
    REPEATED = 2  # the previous token within the grace: its successor again
    REUSED = 3  # a superseded token: the login has ended
    GONE = 0  # no such login (expired, ended, or never)
    OTHER_CLIENT = 4  # a login of another client: nothing changed (RFC 6749 §6: bound to its client)


_REFRESH = LuaScript(__file__, "refresh.lua", codes=RefreshAnswer)


class InvalidRefreshToken(Exception):
    """Not a refresh token of a live login: RFC 6749's invalid_grant."""


@dataclass(frozen=True)
class TokenPair:
    """What the token endpoints answer."""

    access_token: str
    expires_in: int
    refresh_token: str


def log_in(
    *,
    user,
    tag: str,
    address: str,
    user_agent: str,
    client_id: str | None = None,
    client_name: str | None = None,
    authenticated_at: float | None = None,
    public_id: str | None = None,
) -> TokenPair:
    """
    A new API login for a user who has just proved who they are, to the
    client (app) client_id, the shop's own unless named: listed beside
    their browser sessions ("App: <client_name>, <device>"), the oldest
    beyond the cap ended. authenticated_at: when they last typed their
    password (their browser's, for an authorization code; now, for the
    password grant), the access tokens' auth_time (RFC 9068 §2.2.1).
    public_id: the one chosen for it beforehand (an authorization code
    names the login it made before the login exists).
    """
    now = time.time()
    public_id = public_id or index.new_public_id()
    secret = secrets.token_urlsafe(32)
    device = index.describe_user_agent(user_agent)
    data = {
        USER_ID: user.pk,
        HASH_SESSION_KEY: user.get_session_auth_hash(),  # the password it was made under
        PUBLIC_ID: public_id,
        LOGIN_AT: now,
        PASSWORD_AT: now if authenticated_at is None else authenticated_at,
        SEEN_AT: now,
        CLIENT_IP: address,
        CLIENT_ID: client_id or settings.OAUTH_DEFAULT_CLIENT_ID,
        CLIENT_AGENT: f"App: {client_name}, {device}" if client_name else f"App: {device}",
        REFRESH: _stored_hash(secret),
        PREVIOUS_REFRESH: "",
        ROTATED_AT: now,
    }
    index.end_oldest_beyond(tag=tag, limit=settings.MAX_SESSIONS_PER_USER, keep_public_id=public_id)
    ttl_ms = min(settings.API_REFRESH_IDLE_LIFETIME, settings.API_REFRESH_ABSOLUTE_LIFETIME) * 1000
    for _attempt in range(10):
        login_id = keys.new_session_id(mark=keys.TOKEN_LOGIN_MARK, tag=tag)
        if index.bind(tag=tag, public_id=public_id, session_id=login_id, data=encode(data), ttl_ms=ttl_ms):
            break
    else:
        raise RuntimeError("Unable to create a new API login id.")
    update_last_login(None, user)
    user_records.write(tag=tag, user=user)  # as a web login does: the next request reads no database
    return _pair(
        user_id=user.pk,
        public_id=public_id,
        login_at=now,
        login_id=login_id,
        secret=secret,
        client_id=data[CLIENT_ID],
        auth_time=data[PASSWORD_AT],
    )


def refresh(refresh_token: str, *, client_id: str | None = None) -> TokenPair:
    """
    The next pair for a refresh token of the client client_id, the shop's
    own unless named (rotation); InvalidRefreshToken for anything else.
    """
    login_id, secret = _parse(refresh_token)
    successor = _successor(login_id, secret)
    now = time.time()
    answer = _REFRESH(
        client=redis_client(),
        keys=[keys.session(login_id), keys.user_sessions(keys.tag_of(login_id))],
        args=[
            _stored_hash(secret),
            _stored_hash(successor),
            now,
            settings.API_REFRESH_REUSE_GRACE,
            settings.API_REFRESH_IDLE_LIFETIME * 1000,
            settings.API_REFRESH_ABSOLUTE_LIFETIME,
            settings.SESSION_STORED_NAMES,
            client_id or settings.OAUTH_DEFAULT_CLIENT_ID,
            settings.OAUTH_DEFAULT_CLIENT_ID,  # a login made before logins named their client
        ],
    )
    status = answer[0]
    if status == RefreshAnswer.GONE:
        raise InvalidRefreshToken("no such login")
    if status == RefreshAnswer.OTHER_CLIENT:
        raise InvalidRefreshToken("issued to another client")
    user_id, public_id, login_at = int(answer[1]), answer[2].decode(), float(answer[3])
    made_under = auth_hash_from_stored(answer[4].decode()) if answer[4] else None
    login_client_id, auth_time = answer[5].decode(), float(answer[6])
    tag = keys.tag_of(login_id)
    if status == RefreshAnswer.REUSED:
        # Its access tokens are revoked before the login ends, as for every
        # other ending: should Redis fail in between, it is still listed.
        index.end_listed(tag=tag, listed={public_id: login_id})
        security_log.warning(
            "Refresh token reuse: user %s, login %s ended (its refresh and access tokens revoked)",
            user_id,
            public_id,
        )
        raise InvalidRefreshToken("reused")
    user = get_user_model()._default_manager.filter(pk=user_id, is_active=True).first()
    if user is None:
        # Deactivated (or deleted) without its sessions being ended: a
        # QuerySet.update() sends no signal. Its login ends now.
        index.end_listed(tag=tag, listed={public_id: login_id})
        raise InvalidRefreshToken("the user is no longer active")
    if made_under is not None and not constant_time_compare(made_under, user.get_session_auth_hash()):
        # The password changed without a signal (QuerySet.update(), SQL):
        # as a browser's session would be, the login is over. (A login made
        # before logins kept their password's hash has none to compare: the
        # next password change saved through the model ends it.)
        index.end_listed(tag=tag, listed={public_id: login_id})
        raise InvalidRefreshToken("the password has changed since the login")
    # The rotation: lost in a failover, the new token would be refused.
    wait_for_a_replica(key=keys.session(login_id))
    return _pair(
        user_id=user_id,
        public_id=public_id,
        login_at=login_at,
        login_id=login_id,
        secret=successor,
        client_id=login_client_id,
        auth_time=auth_time,
    )


def end_logins_under_another_password(*, tag: str, user_id) -> int:
    """
    End the user's API logins made under another password than theirs now
    (as the database has it), and those that do not say which: the user's
    password has just changed. How many ended.
    """
    user = get_user_model()._default_manager.filter(pk=user_id).first()
    current = user.get_session_auth_hash() if user is not None else ""
    stale = {
        public_id: login_id
        for public_id, (login_id, data) in index.live_sessions(tag).items()
        if keys.is_token_login_id(login_id)
        and not constant_time_compare(str(data.get(HASH_SESSION_KEY) or ""), current)
    }
    if stale:
        security_log.info(
            "Password changed: user %s, %d API login(s) made under another ended", user_id, len(stale)
        )
    return index.end_listed(tag=tag, listed=stale)


@dataclass(frozen=True)
class LoginOfToken:
    """The live API login a token belongs to (login_of_token)."""

    tag: str  # its user's
    public_id: str
    client_id: str

    def check_client(self, client) -> bool:
        """authlib's question (RFC 7009 §2.1): was it issued to this client?"""
        return client.get_client_id() == self.client_id


def login_of_token(token: str) -> LoginOfToken | None:
    """
    The login a token belongs to: a live login's current or previous
    refresh token, or an access token of ours, unexpired (its login may
    have ended since); None for anything else. The two kinds can never be
    taken for each other (a refresh token is no JWT), so no hint is needed.
    """
    return _login_of_refresh_token(token) or _login_of_access_token(token)


def end(login: LoginOfToken) -> None:
    """End the login (its refresh token; its access tokens on every worker)."""
    index.end(tag=login.tag, public_ids=[login.public_id])


def _login_of_refresh_token(refresh_token: str) -> LoginOfToken | None:
    try:
        login_id, secret = _parse(refresh_token)
    except InvalidRefreshToken:
        return None
    data = decode(redis_client().get(keys.session(login_id)))
    if data is None:
        return None
    presented = _stored_hash(secret)
    if not any(
        constant_time_compare(presented, data.get(field) or "") for field in (REFRESH, PREVIOUS_REFRESH)
    ):
        return None
    client_id = data.get(CLIENT_ID) or settings.OAUTH_DEFAULT_CLIENT_ID
    return LoginOfToken(tag=keys.tag_of(login_id), public_id=data[PUBLIC_ID], client_id=client_id)


def _login_of_access_token(token: str) -> LoginOfToken | None:
    try:
        verified = access_tokens.verify(token)
    except access_tokens.InvalidAccessToken:
        return None
    tag = verified.subject if keys.is_tag(verified.subject) else UserTag.existing(verified.subject)
    if tag is None:
        return None
    return LoginOfToken(tag=tag, public_id=verified.login_id, client_id=verified.client_id)


def _pair(
    *,
    user_id,
    public_id: str,
    login_at: float,
    login_id: str,
    secret: str,
    client_id: str,
    auth_time: float,
) -> TokenPair:
    # No access token outlives its login's absolute lifetime. It names the
    # user by their tag, which the login's id carries (by their id, as the
    # release before tags did, in a release that bridges a rolling deploy).
    ends_at = int(login_at + settings.API_REFRESH_ABSOLUTE_LIFETIME)
    subject = str(user_id) if writes_long_names() else keys.tag_of(login_id)
    access_token, expires_in = access_tokens.issue(
        subject=subject, login_id=public_id, client_id=client_id, auth_time=int(auth_time), not_after=ends_at
    )
    return TokenPair(access_token=access_token, expires_in=expires_in, refresh_token=f"{login_id}.{secret}")


def _parse(refresh_token) -> tuple[str, str]:
    login_id, _, secret = refresh_token.partition(".") if isinstance(refresh_token, str) else ("", "", "")
    if not keys.is_token_login_id(login_id) or len(secret) != SECRET_LENGTH:
        raise InvalidRefreshToken("not a refresh token")
    return login_id, secret


def _stored_hash(secret: str) -> str:
    """What Redis keeps of a refresh token: a keyed hash (SECRET_KEY), useless without the key."""
    return salted_hmac("session_state.token_logins.stored", secret, algorithm="sha256").hexdigest()


def _successor(login_id: str, secret: str) -> str:
    """The next generation's secret: the same every time it is asked for, and only with the key."""
    digest = salted_hmac(
        "session_state.token_logins.successor", f"{login_id}.{secret}", algorithm="sha256"
    ).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode()
