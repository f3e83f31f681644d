"""A deployment under load: gunicorn's rolling restart of every worker (make demo-deploy)."""

import signal
import threading
import time

from .common import Browser, Finding, start_stack, title, unique

USERS = 12


def run() -> Finding:
    title("A deployment under load: gunicorn's rolling restart of every worker")
    logged_out = {}
    for backend, workers, explanation in [
        ("memory", 1, "memory sessions, one worker (so that only the restart can log anyone out)"),
        ("redis", 4, "Redis sessions, four workers"),
    ]:
        print(f"\n{explanation}; {USERS} logged-in users keep clicking")
        stack = start_stack(f"deploy-{backend}", backend, workers=workers)
        try:
            browsers = [Browser(stack) for _user in range(USERS)]
            for n, browser in enumerate(browsers):
                browser.register(unique(f"deploy-{backend}-{n}"))
            saw_logout = [False] * USERS
            stop = threading.Event()

            def click(browser, n, stop, saw_logout):
                while not stop.is_set():
                    if browser.get("/accounts/profile/").status_code != 200:
                        saw_logout[n] = True
                    time.sleep(0.1)

            threads = [
                threading.Thread(target=click, args=(browser, n, stop, saw_logout), daemon=True)
                for n, browser in enumerate(browsers)
            ]
            for thread in threads:
                thread.start()
            time.sleep(2)
            old = set(stack.gunicorn_workers())
            print("  deploying: SIGHUP to gunicorn, which replaces every worker ...", flush=True)
            stack.send_signal("gunicorn", signal.SIGHUP)
            deadline = time.monotonic() + 30
            while old & set(stack.gunicorn_workers()) and time.monotonic() < deadline:
                time.sleep(0.2)
            time.sleep(2)
            stop.set()
            for thread in threads:
                thread.join()
            still = sum(browser.logged_in() for browser in browsers)
            print(f"  => {sum(saw_logout)} of {USERS} users were logged out by the deployment; {still} still logged in.")
            logged_out[backend] = sum(saw_logout)
        finally:
            stack.stop()
    print(
        "\nThe new workers start with empty memories: every memory session is gone. Sessions in Redis\n"
        "outlive any worker, so a deployment is invisible to the users.\n"
    )
    return Finding(
        story="A deployment (the 50,000 users)",
        what_broke=f"{logged_out['memory']} of {USERS} users logged out by a rolling restart",
        what_the_shop_does="sessions outlive the workers, in Redis",
        measured=f"{logged_out['redis']} of {USERS} logged out",
    )
