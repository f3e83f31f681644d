"""One user, four workers: why sessions must not live in a worker's memory (make demo-memory-sessions)."""

import time

from .common import Browser, Finding, start_stack, title, unique


def run() -> Finding:
    title("One user, four workers: where does the session live?")
    counts = {}
    for backend, explanation in [
        ("memory", "Django's per-process memory sessions: each worker knows only the logins it served"),
        ("redis", "the shop's Redis sessions: every worker reads the same store"),
    ]:
        print(f"\n{explanation}")
        stack = start_stack(f"memory-sessions-{backend}", backend, workers=4)
        try:
            browser = Browser(stack)
            browser.register(unique(f"demo-{backend}"))
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
            counts[backend] = (logged_out, n)
        finally:
            stack.stop()
    print(
        "\nWith memory sessions a login exists only in the worker that served it; the next request\n"
        "lands on another worker and the user is a stranger there, and that worker deletes the\n"
        "cookie it does not know, so the user stays logged out even back on the first worker.\n"
        "With Redis, nothing of the kind.\n"
    )
    return Finding(
        story="Sessions in a worker's memory",
        what_broke=f"{counts['memory'][0]} of {counts['memory'][1]} requests found the user logged out",
        what_the_shop_does="every worker reads the session from Redis",
        measured=f"{counts['redis'][0]} of {counts['redis'][1]} logged out",
    )
