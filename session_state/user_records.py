"""
What a logged-in request needs of its user, read with its session in the
same Redis round trip, so that a request whose view reads nothing from the
database makes no query (Django's AuthenticationMiddleware would read the
user on every request):

    shop:user-record:{tag}   JSON: id, username, email, is_active, is_staff, is_superuser,
                      and "hash", the user's session auth hash

The hash is Django's get_session_auth_hash(), an HMAC of the password hash
that every session of the user holds already; never the password hash.
The record is signed with SECRET_KEY ("sig"), together with the tag it is
stored under: whoever can write to Redis can neither make a user staff by
writing a record nor pass one user's record off as another's by copying it.

The database stays the source of truth. A record is written at login and,
whenever the user is saved, rewritten from the database once the change is
committed (post_save: a password change or reset, deactivation, a username
or staff change reach the very next request on every worker); it is
deleted with the user. A request whose record is missing, unreadable,
unsigned, or disagrees with its session in any way Django checks (the user
id, the hash, an active user) is left to Django: one query, and a missing
record written (only if still missing: a newer one stays). A user built
from a record writes none of its fields back unchanged when saved
(refresh_before_save). A change made without save() (QuerySet.update(),
SQL) sends no signal: it reaches requests when the record expires,
USER_RECORD_TTL seconds after it was written at the latest.
"""

import functools
import json
import logging
from collections.abc import Mapping
from types import MappingProxyType

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import DEFAULT_DB_ALIAS
from django.db.models import DEFERRED
from django.utils.crypto import constant_time_compare, salted_hmac

from ops.redis_cluster import REDIS_FAILURES

from . import keys
from .connection import redis_client

logger = logging.getLogger(__name__)

FIELDS = ("id", "username", "email", "is_active", "is_staff", "is_superuser")
_SIGNED = (*FIELDS, "hash")
# How many records a worker keeps checked (decode()): its users of the last
# few minutes, a few hundred bytes each.
VERIFIED_RECORDS_KEPT = 1024


def write(*, tag: str, user, only_if_missing: bool = False) -> None:
    """
    The user's record as the user is now. only_if_missing: for a request
    that read the user before a change another worker has since committed
    and written (SET NX: the newer record stays). A failure to write it
    leaves the record as it was: its signature and its TTL still bound it.
    """
    record = {field: getattr(user, field) for field in FIELDS}
    record["hash"] = user.get_session_auth_hash()
    record["sig"] = _signature(record, tag=tag)
    try:
        redis_client().set(
            keys.user_record(tag),
            json.dumps(record, separators=(",", ":")),
            ex=settings.USER_RECORD_TTL,
            nx=only_if_missing,
        )
    except REDIS_FAILURES as error:
        logger.warning("The user record of %s was not written (%s)", user.pk, error)


def rewrite_from_database(*, tag: str, user_id) -> None:
    """
    The record as the database has the user now, once a change is committed
    (never from an object in memory, which may have been read before another
    change); removed if the user is gone.
    """
    user = get_user_model()._default_manager.filter(pk=user_id).first()
    if user is None:
        remove(tag=tag)
    else:
        write(tag=tag, user=user)
        remove_former(tag=tag)


def remove(*, tag: str) -> None:
    try:
        redis_client().delete(keys.user_record(tag), keys.former_user_record(tag))
    except REDIS_FAILURES as error:
        logger.warning("A user record was not removed (%s): its TTL ends it", error)


def remove_former(*, tag: str) -> None:
    """
    The record the release before kept (its own key and format), once the
    user has changed: while its workers still serve during a rolling deploy,
    they read the user from the database again instead of a stale record.
    """
    try:
        redis_client().delete(keys.former_user_record(tag))
    except REDIS_FAILURES as error:
        logger.warning("A former user record was not removed (%s): its TTL ends it", error)


def decode(stored: bytes | None, *, tag: str) -> Mapping | None:
    """
    A record as Redis returned it; None for none, for anything that is not
    a whole record, and for one this shop did not sign with its SECRET_KEY
    for this tag (whoever can write to Redis cannot make a user staff by
    writing one, nor copy another user's here; a record of a worker with an
    older key is not believed either).
    """
    if stored is None:
        return None
    return _verified(stored, tag, settings.SECRET_KEY)


@functools.lru_cache(maxsize=VERIFIED_RECORDS_KEPT)
def _verified(stored: bytes | str, tag: str, secret_key: str) -> Mapping | None:
    """
    decode(), kept for the same bytes, tag and key: a user's record is the
    same on each of their requests until it is rewritten (or expires), and
    checking its signature again (JSON, then an HMAC) would give the same
    answer again. A record changed in any byte is another entry, checked
    anew; what is kept cannot be changed (a read-only mapping).
    """
    try:
        record = json.loads(stored)
    except ValueError:
        return None
    if not isinstance(record, dict) or not all(field in record for field in (*_SIGNED, "sig")):
        return None
    if not constant_time_compare(str(record["sig"]), _signature(record, tag=tag, secret_key=secret_key)):
        return None
    return MappingProxyType(record)


def user_from(record: Mapping | None, *, user_id, user_hash) -> object | None:
    """
    The user a logged-in session names, from its record, when the record
    agrees with everything Django would check: the same user, active, and
    the session's auth hash. None otherwise (Django then decides, with a
    query). The user is a model instance whose other fields (e-mail, the
    password, ...) are deferred: the database reads them if a view asks;
    and saving it never writes the record's fields back unless they were
    changed (refresh_before_save()).
    """
    if record is None or user_hash is None:
        return None
    if str(record["id"]) != str(user_id) or record["is_active"] is not True:
        return None
    if not constant_time_compare(str(record["hash"]), str(user_hash)):
        return None
    return _built_from(record)


def read_active_user(*, tag: str) -> object | None:
    """
    The user of this tag from their record, if it says they are active: for
    an API request, whose access token names the user by tag and whose login
    ends (revoked on every worker) when the password changes. None when the
    record is missing or unreadable: the caller then asks the database. A
    Redis that cannot answer raises: the request is answered 503, as every
    other request that needs Redis is, rather than after a second wait for
    the same Redis to write the record.
    """
    record = decode(redis_client().get(keys.user_record(tag)), tag=tag)
    if record is None or record["is_active"] is not True:
        return None
    return _built_from(record)


def _built_from(record: Mapping):
    model, loaded, layout = _user_layout(settings.AUTH_USER_MODEL)
    values = [DEFERRED if name is None else record[name] for name in layout]
    user = model.from_db(DEFAULT_DB_ALIAS, loaded, values)
    user._from_session_record = {name: record[name] for name in loaded}
    return user


@functools.cache
def _user_layout(user_model: str) -> tuple:
    """
    The user model, the record's fields it has (loaded), and its concrete
    fields in order, each the record's field that fills it or None for one
    left deferred: from_db() given a value (or DEFERRED) for every field
    builds the user without matching names again. Once per AUTH_USER_MODEL.
    """
    model = get_user_model()
    attnames = [field.attname for field in model._meta.concrete_fields]
    loaded = [name for name in attnames if name in FIELDS]
    return model, loaded, tuple(name if name in FIELDS else None for name in attnames)


def refresh_before_save(user, *, update_fields) -> None:
    """
    Before a user built from a record is saved: the record's fields it still
    holds as they were read are set to what the database has now, so that a
    save (a password or e-mail change on this request) never writes a stale
    name or flag back; what the request changed stays.
    """
    read = getattr(user, "_from_session_record", None)
    if read is None:
        return
    names = [name for name in read if name != "id" and (update_fields is None or name in update_fields)]
    unchanged = [name for name in names if getattr(user, name) == read[name]]
    if unchanged:
        current = type(user)._default_manager.filter(pk=user.pk).values(*unchanged).first() or {}
        for name, value in current.items():
            setattr(user, name, value)
    del user._from_session_record


def _signature(record: Mapping, *, tag: str, secret_key: str | None = None) -> str:
    signed = json.dumps([tag, *(record[field] for field in _SIGNED)], separators=(",", ":"))
    return salted_hmac(
        "session_state.user_records", signed, secret=secret_key, algorithm="sha256"
    ).hexdigest()
