"""
What a logged-in request needs of its user, read with its session in the
same Redis round trip, so that a request whose view reads nothing from the
database makes no query (Django's AuthenticationMiddleware would read the
user on every request):

    shop:user:{tag}   JSON: id, username, is_active, is_staff, is_superuser,
                      and "hash", the user's session auth hash

The hash is Django's get_session_auth_hash(), an HMAC of the password hash
that every session of the user holds already; never the password hash.

The database stays the source of truth. A record is written whenever the
user is saved (post_save, once committed: a password change or reset,
deactivation, a username or staff change reach the very next request on
every worker) and at login, and deleted with the user. A request whose
record is missing, unreadable, or disagrees with its session in any way
Django checks (the user id, the hash, an active user) is left to Django:
one query, and the record written again. A change made without save()
(QuerySet.update(), SQL) sends no signal: it reaches requests when the
record expires, USER_RECORD_TTL seconds after it was written at the latest.
"""

import json
import logging

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import DEFAULT_DB_ALIAS
from django.utils.crypto import constant_time_compare
from redis.exceptions import RedisError

from . import keys
from .connection import redis_client

logger = logging.getLogger(__name__)

FIELDS = ("id", "username", "is_active", "is_staff", "is_superuser")


def write(*, tag: str, user) -> None:
    """The user's record as the user is now (a failure to write it only costs a query later)."""
    record = {field: getattr(user, field) for field in FIELDS}
    record["hash"] = user.get_session_auth_hash()
    try:
        redis_client().set(
            keys.user_record(tag), json.dumps(record, separators=(",", ":")), ex=settings.USER_RECORD_TTL
        )
    except RedisError as error:
        logger.warning(
            "The user record of %s was not written (%s); the database answers meanwhile", user.pk, error
        )


def remove(*, tag: str) -> None:
    redis_client().delete(keys.user_record(tag))


def decode(stored: bytes | None) -> dict | None:
    """A record as Redis returned it; None for none, or for anything that is not a whole record."""
    if stored is None:
        return None
    try:
        record = json.loads(stored)
    except ValueError:
        return None
    if not isinstance(record, dict) or not all(field in record for field in (*FIELDS, "hash")):
        return None
    return record


def user_from(record: dict | None, *, user_id, user_hash) -> object | None:
    """
    The user a logged-in session names, from its record, when the record
    agrees with everything Django would check: the same user, active, and
    the session's auth hash. None otherwise (Django then decides, with a
    query). The user is a model instance whose other fields (e-mail, the
    password, ...) are deferred: the database reads them if a view asks.
    """
    if record is None or user_hash is None:
        return None
    model = get_user_model()
    if str(record["id"]) != str(user_id) or record["is_active"] is not True:
        return None
    if not constant_time_compare(str(record["hash"]), str(user_hash)):
        return None
    # from_db() takes the loaded fields in the model's order; the rest are deferred.
    loaded = [field.attname for field in model._meta.concrete_fields if field.attname in FIELDS]
    return model.from_db(DEFAULT_DB_ALIAS, loaded, [record[name] for name in loaded])
