"""What happens to a session around Django's login() and logout()."""

import time

from django.conf import settings
from django.contrib.auth.signals import user_logged_in, user_logged_out
from django.dispatch import receiver

from . import index
from .api import is_ours, tag_of_user
from .fields import CLIENT_AGENT, CLIENT_IP, LOGIN_AT, PASSWORD_AT, PUBLIC_ID, SEEN_AT


@receiver(user_logged_in, dispatch_uid="session_state.bind_session_to_user")
def bind_session_to_user(sender, request, user, **kwargs):
    """
    Make the session that just logged in the user's: an id with the user's
    tag, listed in their index with what a person needs to recognise it,
    and the cap on sessions per user kept.

    Django's login() has already given it a new id (cycle_key), or flushed
    it when another user was logged in; either way the pre-login id is
    gone. The same user logging in again in the same session keeps it.
    """
    session = request.session
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
            CLIENT_IP: request.META.get(settings.RATELIMIT_IP_META_KEY) or request.META.get("REMOTE_ADDR", ""),
            CLIENT_AGENT: index.describe_user_agent(request.headers.get("User-Agent", "")),
        }
    )
    if not listed:
        session.bind_to_user(tag=tag, public_id=session[PUBLIC_ID])
    index.end_oldest_beyond(tag=tag, limit=settings.MAX_SESSIONS_PER_USER, keep_public_id=session[PUBLIC_ID])


@receiver(user_logged_out, dispatch_uid="session_state.end_session_at_logout")
def end_session_at_logout(sender, request, user, **kwargs):
    # The key and its index entry go together, in one step: should Redis
    # fail half-way, the session must not live on unlisted. (Django's
    # logout() then flushes the session, deleting its key once more.)
    session = request.session
    if user is not None and is_ours(session) and session.is_logged_in_session and session.get(PUBLIC_ID):
        index.end(tag=session.owner_tag, public_ids=[session[PUBLIC_ID]])
