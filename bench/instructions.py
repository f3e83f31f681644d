"""
Instructions per request (make bench, after the profiles): the hot paths
counted with valgrind's callgrind, in process, and written into
bench/results/profiles.md.

Requests per second on a shared two-core machine move by tens of percent
from one minute to the next; the instructions a request executes do not,
so they show what a change to the code did where req/s cannot. Each path
is one request repeated: the shop's WSGI application called directly, as
gunicorn calls it (no nginx, no gunicorn, no test client around it), with
the headers nginx sends, and for a logged-in path the session cookie of a
real login, as wrk sends them in bench/run.py.

The settings are the benchmark stacks' (shop.settings.comparison, the
shop's own session engine, the session lab off), on a redis-server started
here on a free port, and SQLite: the shop's embedded database, run in the
same process, so a query's whole cost is in the count (on PostgreSQL its
server's share would run in another process, which the count cannot see).
The database is prepared outside valgrind (migrations, the demo data and
the same 200 extra products as the stacks), and the measuring process runs
under `valgrind --tool=callgrind --dump-before=getppid`: it calls
os.getppid(), which nothing else in it calls, at the end of each segment
(start-up, a path's warm-up, N requests, 2N requests), and callgrind
writes each segment's count apart. A path costs (count of 2N - count of
N) / N a request: whatever a segment costs once cancels out.

A logged-in path logs in anew just before its requests (the password
hashed with MD5 for this process, as in the test settings, so that a login
under valgrind is not bcrypt's seconds; no measured request checks a
password): the session slides its idle timeout at most once a minute, and
a path takes less than that under callgrind (the measuring process says
so if one does not), so every request of a path does the same work.
PYTHONHASHSEED is fixed, and the whole is run twice at once, each run on a
Redis of its own and its own copy of the database: the two runs' counts are
reported side by side.

BENCH_CALLGRIND_REQUESTS sets N (default 20), BENCH_CALLGRIND_RUNS how
many runs (default 2).
"""

import gc
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from contextlib import ExitStack
from pathlib import Path

# N for a JSON read; a page, some twenty times the instructions, N / 2.
# Enough requests that the garbage collector's rounds, which fall every few
# requests, are averaged over; few enough to take minutes under callgrind.
REQUESTS = int(os.environ.get("BENCH_CALLGRIND_REQUESTS", "20"))
WARM_UP = 5
RUNS = int(os.environ.get("BENCH_CALLGRIND_RUNS", "2"))
CART_LINES = 3
# The paths counted, as bench/run.py's wrk scenarios send them: the path,
# whether logged in, and N, how many requests the first measured segment makes.
PATHS = {
    "anonymous JSON session read": ("/accounts/sessions/current/", False, REQUESTS),
    "logged-in JSON session read": ("/accounts/sessions/current/", True, REQUESTS),
    "anonymous catalog page": ("/", False, max(REQUESTS // 2, 1)),
    "logged-in catalog page": ("/", True, max(REQUESTS // 2, 1)),
    "cart page": ("/cart/", True, max(REQUESTS // 2, 1)),
}
USERNAME = "bench-instructions"
PASSWORD = "bench-instructions-password"
# The marker that ends a segment: callgrind dumps its counts at every call.
MARKER = "getppid"
STARTUP = "start-up"
COLLECTION = "a full garbage collection"
HEADING = "## Instructions per request (callgrind)"


# --- The arithmetic (pure functions, tested in tests/bench/) ---------------


def parse_parts(outputs: list[str]) -> dict[int, int]:
    """
    Each callgrind dump's instructions by its part number, from the dump
    files' text ("part: 3" ... "summary: 123456"): part n is what ran
    between the (n-1)th marker and the nth (the last part, to the end).
    """
    parts = {}
    for text in outputs:
        part = re.search(r"^part: (\d+)$", text, re.MULTILINE)
        summary = re.search(r"^summary: (\d+)$", text, re.MULTILINE)
        if not (part and summary):
            raise ValueError("not a callgrind dump: no part or summary line")
        parts[int(part.group(1))] = int(summary.group(1))
    return parts


def segment_counts(parts: dict[int, int], labels: list[str]) -> dict[str, int]:
    """
    The instructions of each segment the measured process named, in order:
    part n is labels[n - 1]. One dump more than the labels (the process's
    end, after the last marker); any other number means that something else
    called the marker, and the counts cannot be told apart.
    """
    if sorted(parts) != list(range(1, len(labels) + 2)):
        raise ValueError(
            f"{len(parts)} callgrind dumps for {len(labels)} segments: the marker was called elsewhere"
        )
    return {label: parts[number] for number, label in enumerate(labels, start=1)}


def per_request(once: int, twice: int, requests: int) -> float:
    """Instructions a request, from a segment of `requests` requests and one of twice as many."""
    if twice <= once:
        raise ValueError("twice the requests cost no more than once: not a measurement")
    return (twice - once) / requests


def segment_label(path: str, requests: int) -> str:
    return f"{path}: {requests} requests"


def per_path(segments: dict[str, int], requests: dict[str, int]) -> dict[str, float]:
    """Instructions per request of each path, from its segments of N and 2N requests (N: requests[path])."""
    return {
        path: per_request(
            segments[segment_label(path, count)], segments[segment_label(path, 2 * count)], count
        )
        for path, count in requests.items()
    }


def ratios(counts: dict[str, float]) -> dict[str, float]:
    """The two ratios issue 24 names: being logged in on the JSON read, and a catalog page against the JSON route."""
    return {
        "logged-in over anonymous JSON session read": counts["logged-in JSON session read"]
        / counts["anonymous JSON session read"],
        "anonymous catalog page over the anonymous JSON route": counts["anonymous catalog page"]
        / counts["anonymous JSON session read"],
    }


def with_section(text: str, section: str) -> str:
    """profiles.md with this section in it: in place of the one it had, else at its end."""
    start = text.find(HEADING)
    if start == -1:
        return text.rstrip("\n") + "\n\n" + section
    end = text.find("\n## ", start + len(HEADING))
    return text[:start] + section + (text[end + 1 :] if end != -1 else "")


def spread(first: dict[str, float], second: dict[str, float]) -> float:
    """The largest difference between two runs' counts of a path, as a share of the first run's."""
    return max(abs(second[path] - first[path]) / first[path] for path in first)


# --- The measuring process (under callgrind) -------------------------------


def _measure(labels_file: Path) -> None:
    """Each path's warm-up, N requests and 2N requests, a marker after each; the labels written to labels_file."""
    import django

    django.setup()
    from django.core.wsgi import get_wsgi_application
    from django.test import Client
    from django.test.utils import override_settings

    override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"]).enable()
    from catalog.models import Product
    from session_state.store import slide_interval

    application = get_wsgi_application()
    labels = []

    def end_segment(label: str) -> None:
        labels.append(label)
        os.getppid()  # callgrind dumps what ran since the last marker (--dump-before=getppid)
        # Every segment starts with the garbage collector's counts at zero,
        # so that its own collections fall alike in every run; the full
        # collection in between is a segment of its own, left out.
        gc.collect()
        labels.append(COLLECTION)
        os.getppid()

    end_segment(STARTUP)
    for path, (url, logged_in, requests) in PATHS.items():
        logged_in_at = time.monotonic()
        cookie = _log_in(Client, Product) if logged_in else ""
        request = _wsgi_request(application, url, cookie)
        for _request in range(WARM_UP):
            status, body = request()
        _check(path, status, body, logged_in)
        end_segment(f"{path}: set-up and warm-up")
        for count in (requests, 2 * requests):
            for _request in range(count):
                request()
            end_segment(segment_label(path, count))
        if logged_in and time.monotonic() - logged_in_at >= slide_interval():
            print(
                f"  {path}: over a minute after its login: a slide of the session may be in its count",
                flush=True,
            )
    labels_file.write_text(json.dumps(labels))


def _log_in(client_class, product_model) -> str:
    """A real login of the benchmark's user, its cart holding CART_LINES lines: the Cookie header it leaves."""
    browser = client_class(
        headers={"Host": "localhost:8443", "X-Real-IP": "203.0.113.7", "X-Forwarded-Proto": "https"}
    )
    answer = browser.post("/accounts/login/", {"username": USERNAME, "password": PASSWORD})
    assert answer.status_code == 302, f"the benchmark's user could not log in: {answer.status_code}"
    for product in product_model.objects.filter(stock__gt=0).order_by("pk")[:CART_LINES]:
        browser.post(f"/cart/add/{product.pk}/", {"quantity": 1})
    return "; ".join(f"{name}={morsel.value}" for name, morsel in browser.cookies.items())


def _wsgi_request(application, url: str, cookie: str):
    """A GET of url, as nginx passes wrk's request to gunicorn: a function that makes it, (status, body)."""
    import io

    environ = {
        "REQUEST_METHOD": "GET",
        "SCRIPT_NAME": "",
        "PATH_INFO": url,
        "QUERY_STRING": "",
        "SERVER_NAME": "localhost",
        "SERVER_PORT": "8443",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "HTTP_HOST": "localhost:8443",
        "HTTP_ORIGIN": "https://localhost:8443",
        "HTTP_X_REAL_IP": "203.0.113.7",
        "HTTP_X_FORWARDED_FOR": "203.0.113.7",
        "HTTP_X_FORWARDED_PROTO": "https",
        "wsgi.version": (1, 0),
        "wsgi.url_scheme": "http",
        "wsgi.errors": sys.stderr,
        "wsgi.multithread": True,
        "wsgi.multiprocess": True,
        "wsgi.run_once": False,
        **({"HTTP_COOKIE": cookie} if cookie else {}),
    }

    def request() -> tuple[str, bytes]:
        answered = []
        body = application(
            {**environ, "wsgi.input": io.BytesIO()}, lambda status, headers, *_: answered.append(status)
        )
        try:
            content = b"".join(body)
        finally:
            body.close()
        return answered[0], content

    return request


def _check(path: str, status: str, body: bytes, logged_in: bool) -> None:
    """The path answers as wrk's scenario expects: 200, and logged in where it should be."""
    if not status.startswith("200"):
        raise SystemExit(f"{path}: answered {status}, not 200")
    if path.endswith("JSON session read") and (json.loads(body)["user"] == USERNAME) != logged_in:
        raise SystemExit(f"{path}: {'not ' if logged_in else ''}logged in")
    if path.endswith("page") and (USERNAME.encode() in body) != logged_in:
        raise SystemExit(
            f"{path}: the page does not show the {'logged-in' if logged_in else 'anonymous'} header"
        )


# --- The measurement (outside valgrind) ------------------------------------


def _environment(folder: Path, redis_url: str) -> dict[str, str]:
    from session_state.access_tokens import new_private_key

    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "shop.settings.comparison",
        "SESSION_BACKEND": "redis",
        "SESSION_LAB": "0",
        "SHOW_WORKER": "1",  # as the stacks have it
        "DJANGO_SECRET_KEY": "bench-instructions-not-a-secret",
        "API_SIGNING_KEYS": f"bench-1:{new_private_key()}",
        "STATE_DIR": str(folder),
        "DATABASE_URL": f"sqlite:///{folder / 'db.sqlite3'}",
        "REDIS_URL": redis_url,
        "PYTHONHASHSEED": "0",  # dictionaries and sets laid out alike in every run
    }


def _prepare(environment: dict[str, str]) -> None:
    """The database, outside valgrind: migrations, the demo data, the stacks' 200 products, the benchmark's user."""
    from bench.run import BENCH_PRODUCTS

    code = (
        "from django.core.management import call_command\n"
        "call_command('migrate', verbosity=0)\n"
        "call_command('seed_demo', verbosity=0)\n"
        f"{BENCH_PRODUCTS}"
        "from django.contrib.auth import get_user_model\n"
        "from django.contrib.auth.hashers import MD5PasswordHasher\n"
        "md5 = MD5PasswordHasher()\n"
        f"get_user_model().objects.create(username={USERNAME!r}, email='bench@example.com',"
        f" password=md5.encode({PASSWORD!r}, md5.salt()))\n"
    )
    prepared = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", code],
        env=environment, cwd=_base_dir(), capture_output=True, text=True, check=False,
    )  # fmt: skip
    if prepared.returncode != 0:
        raise SystemExit(f"The database for the instruction counts could not be prepared:\n{prepared.stderr}")


def _base_dir() -> Path:
    return Path(__file__).resolve().parents[1]


def _start_run(environment: dict[str, str], folder: Path) -> subprocess.Popen:
    """One measuring process under callgrind, started: its dumps and its segments' labels go to folder."""
    return subprocess.Popen(
        [
            "valgrind",
            "--tool=callgrind",
            f"--dump-before={MARKER}",
            f"--callgrind-out-file={folder / 'callgrind.out'}",
            "--quiet",
            sys.executable,
            "-m",
            "bench.instructions",
            "measure",
            str(folder / "labels.json"),
        ],
        env=environment,
        cwd=_base_dir(),
    )


def _segments(folder: Path) -> dict[str, int]:
    """A finished run's instructions, segment by segment."""
    parts = parse_parts([path.read_text() for path in folder.glob("callgrind.out*")])
    return segment_counts(parts, json.loads((folder / "labels.json").read_text()))


def measure() -> list[dict[str, float]]:
    """
    RUNS runs at once (valgrind runs a process on one core), each on a
    Redis of its own and its own copy of the prepared database: every
    path's instructions per request, per run.
    """
    from deploy.stack import find_or_apt_install, scratch_redis

    if not find_or_apt_install("valgrind"):
        raise SystemExit("valgrind was not found: install it (Debian/Ubuntu: sudo apt-get install valgrind).")
    folder = Path(tempfile.mkdtemp(prefix="shop-instructions-"))
    try:
        with ExitStack() as servers:
            environments = []
            for number in range(1, RUNS + 1):
                (folder / f"run-{number}").mkdir()
                redis_url = servers.enter_context(scratch_redis(folder / f"run-{number}")).url
                environments.append(_environment(folder / f"run-{number}", redis_url))
            _prepare(environments[0])
            for environment in environments[1:]:
                for database in (folder / "run-1").glob("db.sqlite3*"):  # its write-ahead log too, if any
                    shutil.copy(database, environment["STATE_DIR"])
            started = time.monotonic()
            processes = [
                _start_run(environment, Path(environment["STATE_DIR"])) for environment in environments
            ]
            if any(process.wait() != 0 for process in processes):
                raise SystemExit("a measuring process under callgrind failed (its error is above)")
            print(f"  {RUNS} runs at once under callgrind: {time.monotonic() - started:.0f} s", flush=True)
            runs = []
            for number in range(1, RUNS + 1):
                requests = {path: count for path, (_url, _logged_in, count) in PATHS.items()}
                runs.append(per_path(_segments(folder / f"run-{number}"), requests))
                for path, count in runs[-1].items():
                    print(f"    run {number}, {path}: {count:,.0f} instructions a request", flush=True)
            return runs
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def section(runs: list[dict[str, float]]) -> str:
    """The part of profiles.md that gives the counts: every path in each run, the two ratios, how far the runs differ."""
    header = "| path | " + " | ".join(f"run {n} (instructions a request)" for n in range(1, len(runs) + 1))
    lines = [
        HEADING,
        "",
        (
            "Requests per second on this shared two-core machine move by tens of percent from one minute to the "
            "next, with whatever else runs beside them; the instructions a request executes do not, so they show "
            "each change's effect where req/s cannot. Counted by `bench/instructions.py` with `valgrind "
            "--tool=callgrind`: the shop's WSGI application called in process as gunicorn calls it, with the "
            "headers nginx sends (and a real login's cookie where logged in), under the benchmark stacks' "
            "settings (`shop.settings.comparison`, the session lab off), on a Redis of its own and SQLite (in "
            "the same process: a query's whole cost is counted). Each path "
            f"{WARM_UP} times to warm up, then N and 2N times (N: {REQUESTS} for a JSON read, "
            f"{PATHS['anonymous catalog page'][2]} for a page), each segment counted apart: a request costs the "
            f"difference over N. The whole run {'twice' if RUNS == 2 else f'{RUNS} times'} at once, each on a Redis "
            "of its own. "
            "Instructions are not time (a round trip's wait, cache misses and the other processes do not count), "
            "but the Python around a round trip, which is what is left to cut, does."
        ),
        "",
        header + " |",
        "| --- |" + " ---: |" * len(runs),
    ]
    lines += [f"| {path} | " + " | ".join(f"{run[path]:,.0f}" for run in runs) + " |" for path in PATHS]
    for name in ratios(runs[0]):
        lines.append(f"| {name} | " + " | ".join(f"{ratios(run)[name]:.3f}×" for run in runs) + " |")
    lines += [
        "",
        f"The runs differ by at most **{max(spread(runs[0], run) for run in runs):.3%}** on any path.",
        "",
        (
            "Were a request's time its instructions, results.md's targets would read: logged-in over anonymous "
            "JSON read at most 1.18× the instructions (req/s at least 0.85×), the catalog page over the JSON route "
            "at most 3.3× (req/s at least 0.3×). They are not quite: a round trip's wait and the processes beside "
            "the shop's (nginx, Redis) count in req/s and not here."
        ),
        "",
    ]
    return "\n".join(lines)


def main(arguments: list[str]) -> int:
    if arguments[:1] == ["measure"]:
        _measure(Path(arguments[1]))
        return 0
    print("Instructions per request, counted with callgrind:", flush=True)
    runs = measure()
    from bench.profiles import RESULTS

    RESULTS.write_text(with_section(RESULTS.read_text() if RESULTS.exists() else "", section(runs)))
    print(f"Written: {RESULTS}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
