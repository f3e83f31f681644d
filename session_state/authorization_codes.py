"""
OAuth authorization codes (RFC 6749 §4.1), kept in Redis beside their
user's sessions: what the authorization endpoint issues to an app through
the browser, and the token endpoint exchanges once for an API login.

A code is "<the user's tag>.<secret>" (256 random bits): the tag puts its
key in the user's slot, as a session id's does. Redis keeps a keyed hash
of it, never the code, for OAUTH_CODE_LIFETIME (60 s), with what binds it:
the client, the redirect URI, the PKCE challenge (RFC 7636), the user, the
password they were logged in under, and when they last typed it.

Exchanged once: claim() marks it with the public id of the login made
from it. Presented again (a code intercepted and replayed, or the app's
own retry), it is refused and that login ends (§4.1.2: the server SHOULD
revoke the tokens issued from it); the used code is kept
OAUTH_USED_CODE_KEPT seconds for that.
"""

import json
import secrets
from dataclasses import asdict, dataclass
from enum import IntEnum

from django.conf import settings
from django.utils.crypto import salted_hmac

from . import keys
from .connection import redis_client, wait_for_a_replica
from .lua import LuaScript


class ClaimAnswer(IntEnum):
    CLAIMED = 1  # first use: the login may be made
    USED = 2  # a replay: the login it made is named
    GONE = 0  # expired, or never issued


_CLAIM = LuaScript(__file__, "claim_code.lua", codes=ClaimAnswer)


class CodeReplayed(Exception):
    """The code was exchanged before: login_id names the login made from it."""

    def __init__(self, login_id: str):
        super().__init__(login_id)
        self.login_id = login_id


@dataclass(frozen=True)
class AuthorizationCode:
    """What a code was issued for; authlib's grants ask it through these fields and methods."""

    code: str
    client_id: str
    redirect_uri: str  # as the authorization request named it ("" if it named none)
    code_challenge: str
    code_challenge_method: str
    user_id: int
    auth_hash: str  # the user's session auth hash when it was issued: a password changed since refuses it
    auth_time: float  # when the user last typed their password

    def get_redirect_uri(self):
        return self.redirect_uri

    def get_scope(self):
        return ""

    @property
    def tag(self) -> str:
        return self.code.partition(".")[0]


def issue(*, tag: str, **bound) -> str:
    """A new code for the user of this tag, bound to what `bound` names (AuthorizationCode's fields)."""
    code = f"{tag}.{secrets.token_urlsafe(32)}"
    stored = {**asdict(AuthorizationCode(code=code, **bound)), "used": ""}
    del stored["code"]
    key = keys.authorization_code(tag, _digest(code))
    redis_client().set(key, json.dumps(stored, separators=(",", ":")), ex=settings.OAUTH_CODE_LIFETIME)
    wait_for_a_replica(key=key)  # lost in a failover, the app's exchange would fail
    return code


def find(code) -> AuthorizationCode | None:
    """The code as issued, if it is one of ours and still kept (used or not); None otherwise."""
    tag = _tag_of(code)
    if tag is None:
        return None
    stored = redis_client().get(keys.authorization_code(tag, _digest(code)))
    if stored is None:
        return None
    data = json.loads(stored)
    data.pop("used")
    return AuthorizationCode(code=code, **data)


def claim(code: AuthorizationCode, *, login_id: str) -> None:
    """
    Mark the code used by the login about to be made under login_id (its
    public id). CodeReplayed if it was used before; LookupError if it has
    expired meanwhile.
    """
    answer = _CLAIM(
        client=redis_client(),
        keys=[keys.authorization_code(code.tag, _digest(code.code))],
        args=[login_id, settings.OAUTH_USED_CODE_KEPT * 1000],
    )
    if answer[0] == ClaimAnswer.USED:
        raise CodeReplayed(answer[1].decode())
    if answer[0] == ClaimAnswer.GONE:
        raise LookupError("the code has expired")


def _tag_of(code) -> str | None:
    if not isinstance(code, str) or len(code) > 100:
        return None
    tag, dot, secret = code.partition(".")
    return tag if dot and keys.is_tag(tag) and len(secret) == 43 else None


def _digest(code: str) -> str:
    """What Redis keeps of a code: a keyed hash (SECRET_KEY), useless without the key."""
    return salted_hmac("session_state.authorization_codes", code, algorithm="sha256").hexdigest()
