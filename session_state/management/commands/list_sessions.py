"""
manage.py list_sessions (`make sessions`): every session on the shop's
Redis, one a line, as the shop reads them (session_state.inspection's
every_session): on one Redis, or on every primary of a cluster.
"""

import time
from collections import Counter
from itertools import islice

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand

from session_state.inspection import SESSION_KINDS, ListedSession, every_session

# A page of sessions is printed at a time, its users read in one query.
PAGE = 500


class Command(BaseCommand):
    help = (
        "List every session on the shop's Redis (on a cluster, on every primary): its key, what it is "
        "(a visitor's, a browser's login, an API login), its user, its clocks and where its login came from. "
        "A key is as good as its session's cookie: this is for the stack's own terminal."
    )

    def handle(self, *args, **options):
        counts = Counter()
        sessions = every_session()
        self.stdout.write(
            f"{'KEY':<74} {'KIND':<9} {'USER':<16} {'LOGGED IN (UTC)':<19} {'LAST SEEN (UTC)':<19} "
            f"{'ENDS IN':<8} FROM"
        )
        while page := list(islice(sessions, PAGE)):
            usernames = _usernames({session.user_id for session in page if session.user_id is not None})
            for session in page:
                counts[session.kind] += 1
                self.stdout.write(_line(session, usernames))
        total = sum(counts.values())
        by_kind = ", ".join(f"{kind}: {counts[kind]}" for kind in SESSION_KINDS)
        self.stdout.write(f"{total} session{'' if total == 1 else 's'} ({by_kind})")


def _usernames(user_ids: set[str]) -> dict[str, str]:
    users = get_user_model().objects.filter(
        pk__in=[int(user_id) for user_id in user_ids if user_id.isdigit()]
    )
    return {str(pk): username for pk, username in users.values_list("pk", "username")}


def _line(session: ListedSession, usernames: dict[str, str]) -> str:
    user = "-" if session.user_id is None else usernames.get(session.user_id, f"(user {session.user_id})")
    source = " ".join(
        part for part in (session.client_ip, session.client_agent and f"({session.client_agent})") if part
    )
    return (
        f"{session.key:<74} {session.kind:<9} {user:<16} {_when(session.login_at):<19} "
        f"{_when(session.seen_at):<19} {_duration(session.ttl_ms):<8} {source or '-'}"
    )


def _when(timestamp: float | None) -> str:
    return time.strftime("%Y-%m-%d %H:%M:%S", time.gmtime(timestamp)) if timestamp else "-"


def _duration(ms: int) -> str:
    minutes, seconds = divmod(ms // 1000, 60)
    hours, minutes = divmod(minutes, 60)
    days, hours = divmod(hours, 24)
    if days:
        return f"{days}d{hours:02d}h"
    if hours:
        return f"{hours}h{minutes:02d}m"
    return f"{minutes}m{seconds:02d}s"
