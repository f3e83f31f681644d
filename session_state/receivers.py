"""What happens to sessions at Django's login(), and when a user is deactivated."""

import time

from django.conf import settings
from django.contrib.auth.signals import user_logged_in
from django.db import transaction
from django.db.models.signals import post_save, pre_delete, pre_save
from django.dispatch import receiver

from ops.clients import client_address

from . import index, token_logins, user_records
from .fields import CLIENT_AGENT, CLIENT_IP, LOGIN_AT, PASSWORD_AT, PUBLIC_ID, SEEN_AT
from .models import UserTag
from .sessions import is_ours, tag_of_user, take_visitor_tag_before_login
from .signals import visitor_logged_in


@receiver(user_logged_in, dispatch_uid="session_state.make_the_session_the_users")
def make_the_session_the_users(sender, request, user, **kwargs):
    """
    Make the session that just logged in the user's, whatever logged them
    in (the login page, registration, the admin):

    1. what the visitor owned goes to the user (visitor_logged_in: the cart
       merges the visitor's cart);
    2. the oldest of the user's other sessions end beyond the cap;
    3. the session gets an id with the user's tag, listed in their index
       with what a person needs to recognise it (SessionStore.bind_to_user).

    In this order, so that a Redis failure part-way leaves no listed session
    that no browser holds. Django's login() has already given the session a
    new id (cycle_key), or flushed it when another user was logged in:
    either way the pre-login id is gone. The same user logging in again in
    the same session keeps it. (Logout needs nothing here: Django's
    logout() flushes the session, which ends it with its index entry.)
    """
    session = request.session
    visitor_tag = take_visitor_tag_before_login(session)
    if visitor_tag is not None:
        visitor_logged_in.send(sender=sender, request=request, user=user, visitor_tag=visitor_tag)
    if not is_ours(session):
        return  # another engine, for comparison (SESSION_BACKEND): no list of sessions
    tag = tag_of_user(user)
    listed = session.is_logged_in_session and session.owner_tag == tag and session.get(PUBLIC_ID)
    now = time.time()
    session.update(
        {
            PUBLIC_ID: session.get(PUBLIC_ID) if listed else index.new_public_id(),
            LOGIN_AT: now,
            PASSWORD_AT: now,
            SEEN_AT: now,
            CLIENT_IP: client_address(request),
            CLIENT_AGENT: index.describe_user_agent(request.headers.get("User-Agent", "")),
        }
    )
    index.end_oldest_beyond(tag=tag, limit=settings.MAX_SESSIONS_PER_USER, keep_public_id=session[PUBLIC_ID])
    if not listed:
        session.bind_to_user(tag=tag, public_id=session[PUBLIC_ID])
    user_records.write(tag=tag, user=user)


@receiver(pre_save, sender=settings.AUTH_USER_MODEL, dispatch_uid="session_state.no_stale_fields_saved")
def no_stale_fields_saved(sender, instance, update_fields=None, **kwargs):
    """A user built from its record writes none of the record's fields back unchanged (user_records)."""
    user_records.refresh_before_save(instance, update_fields=update_fields)


@receiver(post_save, sender=settings.AUTH_USER_MODEL, dispatch_uid="session_state.keep_the_user_record")
def keep_the_user_record(sender, instance, **kwargs):
    """
    The user's record (session_state.user_records) as the database has the
    user once the change is committed, so that the very next request on
    every worker sees it: a new password's hash, deactivation, a new
    username, lost staff status. Users who never logged in have no record.
    """
    tag = UserTag.existing(instance.pk)
    if tag is not None:
        user_id = instance.pk
        transaction.on_commit(lambda: user_records.rewrite_from_database(tag=tag, user_id=user_id))


@receiver(pre_delete, sender=settings.AUTH_USER_MODEL, dispatch_uid="session_state.drop_the_user_record")
def drop_the_user_record(sender, instance, **kwargs):
    """A deleted user's record goes with them, once the delete is committed (their sessions find no user)."""
    # Read now: the delete cascades to the user's UserTag.
    tag = UserTag.existing(instance.pk)
    if tag is not None:
        transaction.on_commit(lambda: user_records.remove(tag=tag))


@receiver(
    post_save, sender=settings.AUTH_USER_MODEL, dispatch_uid="session_state.end_sessions_of_inactive_users"
)
def end_sessions_of_inactive_users(sender, instance, **kwargs):
    """
    A user saved inactive (the admin's form, the shell, anything that saves
    is_active=False) loses every session at once, as the admin's "end all
    sessions" does: Django only refuses such a session while the user stays
    inactive, and would take it back on reactivation. (QuerySet.update()
    sends no signal: deactivate users one by one.)
    """
    if instance.is_active:
        return
    tag = UserTag.existing(instance.pk)
    if tag is not None:  # never logged in: no sessions
        # Once the change is committed: a login on another worker until then
        # still finds the user active, and its session must end too.
        transaction.on_commit(lambda: index.end_all(tag=tag, why="account deactivated"))


@receiver(
    post_save,
    sender=settings.AUTH_USER_MODEL,
    dispatch_uid="session_state.end_api_logins_of_another_password",
)
def end_api_logins_of_another_password(sender, instance, update_fields=None, **kwargs):
    """
    A user saved with a new password, by whatever path (the shop's views,
    the admin's password form, set_password() and save() in a shell or a
    data migration that uses the real model), loses every API login made
    under another password, as their browser sessions are refused by
    Django's session auth hash: a refresh token ends, and its access tokens
    are refused on every worker. Compared with the database once the
    change is committed, so a save that changed something else ends
    nothing. (A save of last_login alone, as every login makes, cannot
    change the password: no look.)
    """
    if update_fields is not None and set(update_fields) <= {"last_login"}:
        return
    tag = UserTag.existing(instance.pk)
    if tag is not None:  # never logged in: no API logins
        user_id = instance.pk
        transaction.on_commit(
            lambda: token_logins.end_logins_under_another_password(tag=tag, user_id=user_id)
        )
