"""A deployment under load: gunicorn's rolling restart of every worker (make demo-deploy)."""

import signal
import threading
import time
from dataclasses import dataclass

import requests

from .common import Browser, Finding, start_stack, title, unique

USERS = 12
# The same for both engines, so that the engine is the only difference. One:
# with memory sessions and more workers than one, users would be logged out
# before any deployment (make demo-memory-sessions), and the deployment could
# not be told apart from that.
WORKERS = 1
SECONDS_BEFORE = 3  # of clicking, before the deployment
SECONDS_AFTER = 2  # of clicking, once every old worker is gone
DEADLINE = 30  # seconds for gunicorn to replace its workers
PAUSE = 0.1  # between one user's clicks


@dataclass(frozen=True)
class Answer:
    at: float  # seconds since the clicking began
    user: int
    status: int | None  # 200: the profile page; 302: sent to the login page; None: no answer
    worker: int | None  # the pid that served it (X-Served-By)


def run() -> Finding:
    title("A deployment under load: gunicorn's rolling restart of every worker")
    print(
        f"{USERS} logged-in users keep opening their profile page (every {PAUSE} s each); gunicorn is told to\n"
        f"deploy (SIGHUP: start new workers, then retire the old ones). {WORKERS} worker in both runs, so that\n"
        "only the session engine differs (with memory sessions and more workers, users would be logged\n"
        "out before any deployment: make demo-memory-sessions)."
    )
    logged_out = {}
    for backend, explanation in [
        ("memory", "sessions in the worker's memory"),
        ("redis", "the shop's sessions, in Redis"),
    ]:
        print(f"\n{explanation}")
        logged_out[backend] = _deploy_under_load(backend)
    print(
        "\nIn both runs the seconds right after SIGHUP have few answers or none: gunicorn retires the old\n"
        "worker while the new one is still importing the shop, and the requests wait in the socket's queue\n"
        "meanwhile (failed counts the ones that got no page at all: no answer, or a 5xx).\n"
        "The new worker starts with an empty memory: every memory session went with the old one, and\n"
        "each user's next request, on the new worker, found no session and lost its cookie. Sessions in\n"
        "Redis outlive any worker: the new worker reads them as the old one did, and the deployment is\n"
        "invisible to the users, once they have waited for it. (The design's story: a rolling deployment\n"
        "that logged out 50,000 users at once; docs/story.md.)\n"
    )
    return Finding(
        story="A deployment (the 50,000 users)",
        what_broke=f"{logged_out['memory']} of {USERS} users logged out by a rolling restart",
        what_the_shop_does="sessions outlive the workers, in Redis",
        measured=f"{logged_out['redis']} of {USERS} logged out",
    )


def _deploy_under_load(backend: str) -> int:
    """One stack: USERS clicking, a deployment, a line a second; the users logged out."""
    stack = start_stack(f"deploy-{backend}", backend, workers=WORKERS)
    try:
        browsers = [Browser(stack) for _user in range(USERS)]
        for n, browser in enumerate(browsers):
            if (status := browser.register(unique(f"deploy-{backend}-{n}")).status_code) != 302:
                raise RuntimeError(f"user {n}'s registration answered {status}; see {stack.log_dir}")
        answers: list[Answer] = []
        stop = threading.Event()
        began = time.monotonic()
        threads = [
            threading.Thread(target=_click, args=(browser, n, began, stop, answers), daemon=True)
            for n, browser in enumerate(browsers)
        ]
        old = set(stack.gunicorn_workers())
        print(f"  {USERS} users logged in; gunicorn's worker(s) now: {', '.join(map(str, sorted(old)))}")
        print("  second  requests  logged in  LOGGED OUT     failed  served by (worker pids)")
        for thread in threads:
            thread.start()
        second = _report_seconds(answers, began, old, after=0, until=lambda s: s >= SECONDS_BEFORE)
        print(
            "  -- deploying: SIGHUP to gunicorn, which starts new workers and retires the old ones",
            flush=True,
        )
        stack.send_signal("gunicorn", signal.SIGHUP)
        deadline = second + DEADLINE

        def deployed(s):
            """Every old worker gone, and a new one answering (it imports the shop first: seconds)."""
            new_answers = any(answer.worker is not None and answer.worker not in old for answer in answers)
            return (new_answers and not old & set(stack.gunicorn_workers())) or s >= deadline

        second = _report_seconds(answers, began, old, after=second, until=deployed)
        second = _report_seconds(
            answers, began, old, after=second, until=lambda s, end=second: s >= end + SECONDS_AFTER
        )
        stop.set()
        for thread in threads:
            thread.join()
        if old & set(stack.gunicorn_workers()) or not any(
            answer.worker is not None and answer.worker not in old for answer in answers
        ):
            raise RuntimeError(
                f"gunicorn had not replaced its workers {DEADLINE} s after SIGHUP; see {stack.log_dir}"
            )
        saw_logout = {answer.user for answer in answers if answer.status == 302}
        failed = sum(answer.status is None or answer.status >= 500 for answer in answers)
        still = sum(browser.logged_in() for browser in browsers)
        print(
            f"  => {len(saw_logout)} of {USERS} users were logged out by the deployment; {still} still logged in"
            f" ({len(answers)} requests, {failed} of them without a page: no answer or a 5xx)."
        )
        return len(saw_logout)
    finally:
        stack.stop()


def _click(browser: Browser, n: int, began: float, stop: threading.Event, answers: list[Answer]) -> None:
    """One user opening the profile page until stopped: every answer noted (a list's append is atomic)."""
    while not stop.is_set():
        try:
            response = browser.get("/accounts/profile/")
        except requests.RequestException:
            answers.append(Answer(time.monotonic() - began, n, None, None))
        else:
            served_by = response.headers.get("X-Served-By", "")
            worker = int(served_by.rsplit(":", 1)[1]) if ":" in served_by else None
            answers.append(Answer(time.monotonic() - began, n, response.status_code, worker))
        time.sleep(PAUSE)


def _report_seconds(answers: list[Answer], began: float, old: set[int], *, after: int, until) -> int:
    """A line for each whole second after `after`, as it ends, until until(second); the last second printed."""
    second = after
    while not until(second):
        second += 1
        time.sleep(max(0.0, began + second - time.monotonic()))
        these = [answer for answer in answers if second - 1 <= answer.at < second]
        logged_in = sum(answer.status == 200 for answer in these)
        out = sum(answer.status == 302 for answer in these)
        failed = len(these) - logged_in - out
        workers = sorted({answer.worker for answer in these if answer.worker is not None})
        served_by = ", ".join(f"{'old' if worker in old else 'new'} {worker}" for worker in workers) or "-"
        print(f"  {second:6}  {len(these):8}  {logged_in:9}  {out:10}  {failed:9}  {served_by}", flush=True)
    return second
