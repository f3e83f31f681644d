"""
The failure stories of the design this shop comes from, replayed here.

    python -m bench.demos memory-sessions   (make demo-memory-sessions)
    python -m bench.demos deploy            (make demo-deploy)

Each starts real stacks (nginx, gunicorn, Redis) on free ports, under
var/demo/, first with Django's per-process memory sessions, then with the
shop's Redis sessions, and prints what a user went through.
"""

import re
import signal
import sys
import threading
import time
from pathlib import Path

import requests

from deploy.stack import BASE_DIR, Stack, free_port

PASSWORD = "sturdy-kettle-93"


class Browser:
    """Just enough of a browser: cookies, CSRF tokens, the stack's certificate."""

    def __init__(self, stack: Stack):
        self.stack = stack
        self.http = requests.Session()
        self.http.trust_env = False
        self.http.verify = str(stack.tls_cert)
        self.http.headers["Origin"] = stack.url

    def get(self, path):
        return self.http.get(self.stack.url + path, allow_redirects=False, timeout=10)

    def post_form(self, path, data):
        page = self.get(path).text
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
        return self.http.post(
            self.stack.url + path, data={**data, "csrfmiddlewaretoken": token}, allow_redirects=False, timeout=10
        )

    def register(self, username):
        fields = {"username": username, "email": f"{username}@example.com", "password1": PASSWORD, "password2": PASSWORD}
        return self.post_form("/accounts/register/", fields)

    def logged_in(self) -> bool:
        return self.get("/accounts/profile/").status_code == 200


def start_stack(name: str, backend: str, workers: int) -> Stack:
    stack = Stack(
        state_dir=BASE_DIR / "var" / "demo" / name,
        https_port=free_port(),
        http_port=free_port(),
        workers=workers,
        extra_env={
            "SESSION_BACKEND": backend,
            "DJANGO_SETTINGS_MODULE": "shop.settings.comparison",
            # Every demo user registers from this one machine's address.
            "REGISTRATIONS_PER_ADDRESS": "1000",
        },
    )
    print(f"  starting nginx + {workers} gunicorn worker(s) + Redis, sessions in {backend} ...", flush=True)
    stack.start()
    return stack


def memory_sessions() -> None:
    title("One user, four workers: where does the session live?")
    for backend, explanation in [
        ("memory", "Django's per-process memory sessions: each worker knows only the logins it served"),
        ("redis", "the shop's Redis sessions: every worker reads the same store"),
    ]:
        print(f"\n{explanation}")
        stack = start_stack(f"memory-sessions-{backend}", backend, workers=4)
        try:
            browser = Browser(stack)
            browser.register(f"demo-{backend}-{time.monotonic_ns()}")
            logged_out, workers, n = 0, set(), 0
            # Until every worker has served the user (at most 40 requests).
            while len(workers) < 4 and n < 40:
                n += 1
                response = browser.get("/accounts/profile/")
                workers.add(response.headers.get("X-Served-By"))
                ok = response.status_code == 200
                logged_out += not ok
                state = "logged in" if ok else "LOGGED OUT (sent to the login page)"
                print(f"  request {n:2}  served by {response.headers.get('X-Served-By', '?'):<22} {state}")
                time.sleep(0.05)
            print(f"  => {logged_out} of {n} requests, over {len(workers)} workers, found the user logged out.")
        finally:
            stack.stop()
    print(
        "\nWith memory sessions a login exists only in the worker that served it; the next request\n"
        "lands on another worker and the user is a stranger there, and that worker deletes the\n"
        "cookie it does not know, so the user stays logged out even back on the first worker.\n"
        "With Redis, nothing of the kind.\n"
    )


def deploy() -> None:
    title("A deployment under load: gunicorn's rolling restart of every worker")
    users = 12
    for backend, workers, explanation in [
        ("memory", 1, "memory sessions, one worker (so that only the restart can log anyone out)"),
        ("redis", 4, "Redis sessions, four workers"),
    ]:
        print(f"\n{explanation}; {users} logged-in users keep clicking")
        stack = start_stack(f"deploy-{backend}", backend, workers=workers)
        try:
            browsers = [Browser(stack) for _user in range(users)]
            for n, browser in enumerate(browsers):
                browser.register(f"deploy-{backend}-{n}-{time.monotonic_ns()}")
            saw_logout = [False] * users
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
            print(f"  => {sum(saw_logout)} of {users} users were logged out by the deployment; {still} still logged in.")
        finally:
            stack.stop()
    print(
        "\nThe new workers start with empty memories: every memory session is gone. Sessions in Redis\n"
        "outlive any worker, so a deployment is invisible to the users.\n"
    )


def title(text: str) -> None:
    print(f"\n{text}\n{'=' * len(text)}", flush=True)


def main(argv: list[str]) -> int:
    demos = {"memory-sessions": memory_sessions, "deploy": deploy}
    if len(argv) != 1 or argv[0] not in demos:
        print(__doc__, file=sys.stderr)
        return 2
    Path(BASE_DIR / "var" / "demo").mkdir(parents=True, exist_ok=True)
    demos[argv[0]]()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
