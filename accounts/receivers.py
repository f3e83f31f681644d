"""What happens around Django's login() and logout() for the user's list of sessions."""

import time

from django.conf import settings
from django.contrib.auth.signals import user_logged_in, user_logged_out
from django.dispatch import receiver

from . import user_sessions
from .sessions import SessionStore
from .user_sessions import CLIENT_AGENT, CLIENT_IP, LOGIN_AT, PASSWORD_AT, PUBLIC_ID, SEEN_AT


@receiver(user_logged_in, dispatch_uid="accounts.record_session")
def record_session(sender, request, user, **kwargs):
    """
    Record the new logged-in session: what a person needs to recognise it,
    its place in the user's index, and the cap on sessions per user.
    """
    session = request.session
    if not isinstance(session, SessionStore):
        return  # another engine, for comparison (SESSION_BACKEND): no list of sessions
    if session.session_key is None:
        # login() flushed the session (another user was logged in) instead
        # of cycling its key; give it a logged-in key now.
        session.cycle_key()
    now = time.time()
    public_id = session.get(PUBLIC_ID) or user_sessions.new_public_id()
    session.update(
        {
            PUBLIC_ID: public_id,
            LOGIN_AT: now,
            PASSWORD_AT: now,
            SEEN_AT: now,
            CLIENT_IP: request.META.get(settings.RATELIMIT_IP_META_KEY) or request.META.get("REMOTE_ADDR", ""),
            CLIENT_AGENT: user_sessions.describe_user_agent(request.headers.get("User-Agent", "")),
        }
    )
    user_sessions.add(user_id=user.pk, public_id=public_id, session_key=session.session_key)
    user_sessions.end_oldest_beyond(
        user_id=user.pk, limit=settings.MAX_SESSIONS_PER_USER, keep_public_id=public_id
    )


@receiver(user_logged_out, dispatch_uid="accounts.end_session_at_logout")
def end_session_at_logout(sender, request, user, **kwargs):
    # The key and its index entry go together, in one step: should Redis
    # fail half-way, the session must not live on unlisted.
    public_id = request.session.get(PUBLIC_ID) if isinstance(request.session, SessionStore) else None
    if user is not None and public_id:
        user_sessions.end(user_id=user.pk, public_id=public_id)
