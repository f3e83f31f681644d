"""
The Redis key layout of everything a session names: the one place that
builds these keys (docs/architecture.md has the same as a table).

Every key carries a hash tag, the part in braces, so that what one request
needs in one round trip lives in one Redis Cluster slot:

    shop:session:{tag}:<session id>   the session (JSON)
    shop:user-sessions:{tag}          a user's index of sessions: public id -> session id
    shop:cart:{tag}                   the cart: product id -> quantity
    shop:checkout-token:{tag}         the cart's checkout token
    shop:merged-carts:{tag}           the ids of merges applied to a user's cart at login
    shop:cart-claim:{tag}             the user a visitor's cart is being merged into, and the merge's id
    shop:cart-merging:{tag}           a visitor's cart lines claimed by a merge, until it settles
    shop:cart-add:{tag}:<add id>      an add to the cart that ran, kept a moment (cart.storage)
    shop:user-record:{tag}            what a request needs of the user (session_state.user_records)
    shop:authorization-code:{tag}:<hash>  an OAuth authorization code, for 60 s (session_state.authorization_codes)
    shop:idempotency-key:{tag}:<key>  an API request's Idempotency-Key, bound to the request's fingerprint
    shop:session-end:{tag}:<session id>  why another request ended the session, for the session lab (where it is on)

An API login (session_state.token_logins) is a session too, under an id
marked "t" that is never a cookie: its key is shop:session:{tag}:t..., and
it is listed in the same index.

What every worker must know at once lives under one tag of its own
(session_state.revocations): the API logins ended while access tokens
issued for them may still be alive, and the channel that announces them:

    shop:revoked-logins:{revocations}  public id -> until when (a sorted set)
    shop:revocations:{revocations}     the pub/sub channel

And, kept here so that the shop's whole layout is in one place, what is
not a session's. The session lab's log of a browser's recent requests,
under the lab id of that browser's lab cookie (lab/):

    shop:lab:{<lab id>}              a list of the requests' JSON, newest first

The counts of limited requests (accounts.throttling:
password checks, password resets, registrations), under one tag of their
own so that one script counts a request against all of its counts:

    shop:counts:{counts}:<action>:<kind>:<value>
        password-check:user-at-address:<sha256 of the username>:<client address>,
        password-check:user:<sha256 of the username>, password-check:address:<client address>,
        password-reset:address:..., password-reset:target:<sha256 of the e-mail>, registration:...

The tag is an owner's: for a logged-in session, the user's (an opaque random
value kept in session_state.models.UserTag, never the user id); for an
anonymous one, the visitor's (random, made with the session). The session
id carries it in the clear, so that a script finds the cart from the cookie
alone, without decoding the session:

    u 4k2v9x0q7m1b r8w...   mark ("u" logged in, "a" anonymous, "t" an API login), tag, secret

The secret is what makes a session id unguessable: 32 characters of
Django's VALID_KEY_CHARS, 165 bits. The tag is not a secret (a planted id
with someone's tag is still no session: every script first checks that
the session exists).
"""

import hashlib
import re

from django.contrib.sessions.backends.base import VALID_KEY_CHARS
from django.utils.crypto import get_random_string

PREFIX = "shop"

ANONYMOUS_MARK = "a"
LOGGED_IN_MARK = "u"
TOKEN_LOGIN_MARK = "t"
TAG_LENGTH = 12
SECRET_LENGTH = 32
SESSION_ID_LENGTH = 1 + TAG_LENGTH + SECRET_LENGTH

# What the shop could have made, matched whole (a regular expression: checked on
# every request that comes with a cookie, and faster than a set of characters).
_KEY_CHAR = "[" + re.escape(VALID_KEY_CHARS) + "]"
_TAG = re.compile(f"{_KEY_CHAR}{{{TAG_LENGTH}}}")
_SESSION_ID = re.compile(f"[{ANONYMOUS_MARK}{LOGGED_IN_MARK}]{_KEY_CHAR}{{{TAG_LENGTH + SECRET_LENGTH}}}")
_TOKEN_LOGIN_ID = re.compile(f"{TOKEN_LOGIN_MARK}{_KEY_CHAR}{{{TAG_LENGTH + SECRET_LENGTH}}}")


def new_tag() -> str:
    return get_random_string(TAG_LENGTH, VALID_KEY_CHARS)


def new_session_id(*, mark: str, tag: str) -> str:
    return mark + tag + get_random_string(SECRET_LENGTH, VALID_KEY_CHARS)


def is_tag(value) -> bool:
    """Whether value is a tag the shop could have made (checked without Redis)."""
    return isinstance(value, str) and _TAG.fullmatch(value) is not None


def is_session_id(value) -> bool:
    """Whether value is a session id the shop could have made (checked without Redis)."""
    return isinstance(value, str) and _SESSION_ID.fullmatch(value) is not None


def is_token_login_id(value) -> bool:
    """Whether value is an API login's id the shop could have made; never a browser session's."""
    return isinstance(value, str) and _TOKEN_LOGIN_ID.fullmatch(value) is not None


def fingerprint(session_id: str) -> str:
    """
    A short name for a session id that shows nothing of it (the first hex
    digits of its SHA-256): what the session lab shows instead of the key.
    """
    return hashlib.sha256(session_id.encode()).hexdigest()[:10]


def tag_of(session_id: str) -> str:
    return session_id[1 : 1 + TAG_LENGTH]


def is_logged_in_id(session_id: str) -> bool:
    return session_id.startswith(LOGGED_IN_MARK)


def session(session_id: str) -> str:
    return f"{PREFIX}:session:{{{tag_of(session_id)}}}:{session_id}"


def session_end(session_id: str) -> str:
    """Why another request ended this session (session_state.index), beside where it was."""
    return f"{PREFIX}:session-end:{{{tag_of(session_id)}}}:{session_id}"


def user_sessions(tag: str) -> str:
    return f"{PREFIX}:user-sessions:{{{tag}}}"


def user_record(tag: str) -> str:
    # Named anew when its format changed (the e-mail address, the tag
    # signed with it): a record of the format before is deleted when its
    # user changes (former_user_record), or expires.
    return f"{PREFIX}:user-record:{{{tag}}}"


def former_user_record(tag: str) -> str:
    """Where the release before kept the user's record (another format), deleted when the user changes."""
    return f"{PREFIX}:user:{{{tag}}}"


def cart(tag: str) -> str:
    return f"{PREFIX}:cart:{{{tag}}}"


def checkout_token(tag: str) -> str:
    return f"{PREFIX}:checkout-token:{{{tag}}}"


def merged_carts(tag: str) -> str:
    return f"{PREFIX}:merged-carts:{{{tag}}}"


def cart_claim(tag: str) -> str:
    return f"{PREFIX}:cart-claim:{{{tag}}}"


def cart_merging(tag: str) -> str:
    return f"{PREFIX}:cart-merging:{{{tag}}}"


def cart_add(tag: str, add_id: str) -> str:
    """An add to the owner's cart that ran: a resend of the same add finds it and changes nothing."""
    return f"{PREFIX}:cart-add:{{{tag}}}:{add_id}"


def lab_log(lab_id: str) -> str:
    """The recent requests of a browser that opened the session lab (lab/): a capped list."""
    return f"{PREFIX}:lab:{{{lab_id}}}"


def revoked_logins() -> str:
    return f"{PREFIX}:revoked-logins:{{revocations}}"


def revocations_channel() -> str:
    return f"{PREFIX}:revocations:{{revocations}}"


def named_by_visitor(tag: str) -> list[str]:
    """What an anonymous session names, which lives exactly as long as the session does."""
    return [cart(tag)]


def request_count(*, action: str, kind: str, value: str) -> str:
    """
    A count of limited requests: of an action ("password-check", ...), per
    kind ("user-at-address", "user", "address", "target").
    """
    return f"{PREFIX}:counts:{{counts}}:{action}:{kind}:{value}"


def idempotency_key(tag: str, key: str) -> str:
    """
    An Idempotency-Key the owner sent with an API request (an add to the
    cart, cart.storage): the fingerprint of the request it was bound to.
    The key is the client's text, after the owner's tag: the hash tag is
    the first {...} of a name, so nothing in it can move the key out of
    the owner's slot.
    """
    return f"{PREFIX}:idempotency-key:{{{tag}}}:{key}"


def authorization_code(tag: str, digest: str) -> str:
    """
    An OAuth authorization code issued to the user of this tag (session_state.
    authorization_codes), under a keyed hash of the code, never the code.
    """
    return f"{PREFIX}:authorization-code:{{{tag}}}:{digest}"
