"""
The lab id: which browser's requests the lab records, in its lab cookie
(SESSION_LAB_COOKIE_NAME). Random, and signed, so that only ids the lab
page gave out are recorded: a made-up cookie makes no log in Redis.
"""

from django.core import signing
from django.utils.crypto import get_random_string

_LENGTH = 24
_CHARS = "abcdefghijklmnopqrstuvwxyz0123456789"
_SALT = "lab.ids"


def new_lab_cookie() -> str:
    """A new lab cookie's value: a random id, signed."""
    return signing.Signer(salt=_SALT).sign(get_random_string(_LENGTH, _CHARS))


def lab_id_of(cookie) -> str | None:
    """The lab id a lab cookie carries; None for none, or for one the lab did not give out."""
    if not isinstance(cookie, str) or len(cookie) > 100:
        return None
    try:
        lab_id = signing.Signer(salt=_SALT).unsign(cookie)
    except signing.BadSignature:
        return None
    return lab_id if len(lab_id) == _LENGTH and set(lab_id) <= set(_CHARS) else None
