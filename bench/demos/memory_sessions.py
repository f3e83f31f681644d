"""One user, four workers: why sessions must not live in a worker's memory (make demo-memory-sessions)."""

import time
from dataclasses import dataclass

from .common import SESSION_COOKIE, Browser, Finding, start_stack, title, unique

WORKERS = 4
MIN_REQUESTS = 6
MAX_REQUESTS = 40  # a run ends sooner: once every worker has served (see _visits)


@dataclass(frozen=True)
class Visit:
    """One request for the user's profile page, and what became of it."""

    worker: str  # X-Served-By: host:pid
    logged_in: bool  # 200: the profile page; 302: sent to the login page
    cookie_sent: bool  # the browser still had the session cookie to send
    cookie_deleted: bool  # the answer told the browser to delete it


def run() -> Finding:
    title("One user, four workers: where does the session live?")
    print(
        f"A user registers (which logs them in), then opens their profile page again and again.\n"
        f"gunicorn has {WORKERS} workers; each request goes to whichever worker takes it first."
    )

    print("\n(a) Django's sessions in each worker's own memory (the cache backend on LocMemCache)")
    stack = start_stack("memory-sessions-memory", "memory", workers=WORKERS)
    try:
        browser = Browser(stack)
        login_worker = _log_in(browser, "memory")
        cookie = browser.session_id()
        as_browsers_do = _visits(browser, login_worker, until_back_on_the_login_worker=True)
        _print_visits(as_browsers_do, login_worker, memory=True)
        out = sum(not visit.logged_in for visit in as_browsers_do)
        after_deletion = [
            visit for visit in as_browsers_do if visit.worker == login_worker and not visit.cookie_sent
        ]
        print(
            f"  => {out} of {len(as_browsers_do)} requests found the user logged out, "
            f"over {len({visit.worker for visit in as_browsers_do})} workers; "
            f"{len(after_deletion)} of them back on the login's worker, without the cookie."
        )

        print(
            "\n(b) the same stack and the same login, its cookie put back before every request\n"
            "    (as if no worker had deleted it): which workers know the session?"
        )
        cookie_kept = _visits(browser, login_worker, keep_cookie=cookie)
        _print_visits(cookie_kept, login_worker, memory=True)
        logged_in_on = {visit.worker for visit in cookie_kept if visit.logged_in}
        on_login_worker = [visit for visit in cookie_kept if visit.worker == login_worker]
        print(
            f"  => logged in on {sum(visit.logged_in for visit in cookie_kept)} of {len(cookie_kept)} requests: "
            f"on {len(logged_in_on)} worker(s), {', '.join(sorted(logged_in_on)) or 'none'}; "
            f"the login's worker served {len(on_login_worker)}."
        )
    finally:
        stack.stop()

    print("\n(c) the shop's sessions in Redis, which every worker reads")
    stack = start_stack("memory-sessions-redis", "redis", workers=WORKERS)
    try:
        browser = Browser(stack)
        redis_login_worker = _log_in(browser, "redis")
        with_redis = _visits(browser, redis_login_worker)
        _print_visits(with_redis, redis_login_worker, memory=False)
        redis_out = sum(not visit.logged_in for visit in with_redis)
        print(
            f"  => {redis_out} of {len(with_redis)} requests found the user logged out, "
            f"over {len({visit.worker for visit in with_redis})} workers."
        )
    finally:
        stack.stop()

    print(
        "\nWhat happened. With memory sessions the login is written into the memory of the one worker\n"
        "that served it, and nowhere else. A request that reaches another worker presents a session\n"
        "id that worker has never seen: to it the user is a stranger (sent to the login page), and\n"
        "Django's session middleware, finding no session for the cookie, answers with an order to\n"
        "delete the cookie. From then on the browser sends no cookie at all, so even a request that\n"
        "lands on the login's worker again finds nobody: logged out for good after the first miss.\n"
        "Put the cookie back (b) and the login's worker still knows it: logged in there, and only\n"
        "there, one request in four or so, as the workers happen to take them.\n"
        "With Redis every worker reads the same session: logged in on every request, on every worker.\n"
    )
    return Finding(
        story="Sessions in a worker's memory",
        what_broke=(
            f"{out} of {len(as_browsers_do)} requests logged out; "
            f"its cookie kept, logged in on {len(logged_in_on)} of {WORKERS} workers (the login's)"
        ),
        what_the_shop_does="every worker reads the session from Redis",
        measured=f"{redis_out} of {len(with_redis)} logged out",
    )


def _log_in(browser: Browser, backend: str) -> str:
    """Register (which logs in); the worker that served it."""
    response = browser.register(unique(f"demo-{backend}"))
    if response.status_code != 302:
        raise RuntimeError(f"the registration answered {response.status_code}; see {browser.stack.log_dir}")
    worker = response.headers["X-Served-By"]
    where = (
        "which alone holds the session, in its memory"
        if backend == "memory"
        else "which wrote the session to Redis"
    )
    print(f"  the login (a registration): served by worker {worker}, {where}")
    return worker


def _visits(
    browser: Browser,
    login_worker: str,
    *,
    keep_cookie: str | None = None,
    until_back_on_the_login_worker=False,
) -> list[Visit]:
    """
    Requests for the profile page until every worker has served one (and,
    until_back_on_the_login_worker, until the login's worker has served one
    after the cookie was gone), at least MIN_REQUESTS and at most
    MAX_REQUESTS. keep_cookie: that session id put back in the cookie jar
    before each.
    """
    visits = []
    while len(visits) < MAX_REQUESTS:
        if keep_cookie is not None:
            browser.set_session_id(keep_cookie)
        cookie_sent = browser.session_id() is not None
        response = browser.get("/accounts/profile/")
        # Django deletes a cookie by setting it empty, expired (requests joins Set-Cookie headers).
        deleted = f'{SESSION_COOKIE}=""' in response.headers.get("Set-Cookie", "")
        visits.append(
            Visit(
                worker=response.headers.get("X-Served-By", "?"),
                logged_in=response.status_code == 200,
                cookie_sent=cookie_sent,
                cookie_deleted=deleted,
            )
        )
        every_worker = len({visit.worker for visit in visits}) >= WORKERS
        back = not until_back_on_the_login_worker or any(
            visit.worker == login_worker and not visit.cookie_sent for visit in visits
        )
        if every_worker and back and len(visits) >= MIN_REQUESTS:
            break
        time.sleep(0.05)
    return visits


def _print_visits(visits: list[Visit], login_worker: str, *, memory: bool) -> None:
    for n, visit in enumerate(visits, 1):
        which = f"{visit.worker} (the login's)" if visit.worker == login_worker else visit.worker
        if visit.logged_in:
            what = "logged in: the session is in this worker's memory" if memory else "logged in"
        elif not visit.cookie_sent:
            what = "LOGGED OUT: the browser has no cookie left to send"
        elif visit.cookie_deleted:
            what = "LOGGED OUT: this worker never saw the login; its answer deletes the cookie"
        else:
            what = "LOGGED OUT"
        print(f"  request {n:2}  worker {which:<26} {what}")
