"""What every failure-story demo shares: its stacks, a scripted browser, its report."""

import re
import time
from dataclasses import dataclass

import requests
from requests.adapters import HTTPAdapter

from deploy.stack import BASE_DIR, Stack, free_port

PASSWORD = "sturdy-kettle-93"
DEMO_DIR = BASE_DIR / "var" / "demo"
SESSION_COOKIE = "__Host-shop_session"
# The stack's certificate and cookies are for "localhost"; requests's cookie
# jar files that host's cookies under "localhost.local".
COOKIE_DOMAIN = "localhost.local"
# Seconds a demo's request may take. Generous: on a two-core machine shared
# with other work, a registration (bcrypt) behind four others took over 10.
REQUEST_TIMEOUT = 30


@dataclass(frozen=True)
class Finding:
    """One row of `make demos`'s table: what a story broke, what the shop does instead, as measured."""

    story: str
    what_broke: str
    what_the_shop_does: str
    measured: str


class FromAddress(HTTPAdapter):
    """Connections from one loopback address (127.x.y.z), as if from a machine of their own."""

    def __init__(self, address: str):
        self.address = address
        super().__init__()

    def init_poolmanager(self, *args, **kwargs):
        kwargs["source_address"] = (self.address, 0)
        super().init_poolmanager(*args, **kwargs)


class Browser:
    """Just enough of a browser: cookies, CSRF tokens, the stack's certificate."""

    def __init__(self, stack: Stack):
        self.stack = stack
        self.http = requests.Session()
        self.http.trust_env = False
        self.http.verify = str(stack.tls_cert)
        self.http.headers["Origin"] = stack.url

    def get(self, path):
        return self.http.get(self.stack.url + path, allow_redirects=False, timeout=REQUEST_TIMEOUT)

    def post_form(self, path, data):
        page = self.get(path).text
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
        return self.http.post(
            self.stack.url + path,
            data={**data, "csrfmiddlewaretoken": token},
            allow_redirects=False,
            timeout=REQUEST_TIMEOUT,
        )

    def register(self, username):
        fields = {
            "username": username,
            "email": f"{username}@example.com",
            "password1": PASSWORD,
            "password2": PASSWORD,
        }
        return self.post_form("/accounts/register/", fields)

    def logged_in(self) -> bool:
        return self.get("/accounts/profile/").status_code == 200

    def session_id(self) -> str | None:
        """The session cookie this browser would send now; None once the shop deleted it."""
        return self.http.cookies.get(SESSION_COOKIE, domain=COOKIE_DOMAIN)

    def set_session_id(self, session_id: str) -> None:
        """Put a session id in the cookie jar (a cookie injection; or a cookie kept that the shop deleted)."""
        self.http.cookies.set(SESSION_COOKIE, session_id, domain=COOKIE_DOMAIN, path="/", secure=True)


def start_stack(name: str, backend: str, workers: int, **options) -> Stack:
    """A stack of the demo's own on free ports, under var/demo/<name>, its sessions in backend."""
    extra_env = options.pop("extra_env", {})
    stack = Stack(
        state_dir=DEMO_DIR / name,
        https_port=free_port(),
        http_port=free_port(),
        workers=workers,
        **options,
        extra_env={
            "SESSION_BACKEND": backend,
            "DJANGO_SETTINGS_MODULE": "shop.settings.comparison",
            # Every demo user registers from this one machine's address.
            "REGISTRATIONS_PER_ADDRESS": "1000",
            **extra_env,
        },
    )
    print(f"  starting nginx + {workers} gunicorn worker(s) + Redis, sessions in {backend} ...", flush=True)
    stack.start()
    return stack


def unique(name: str) -> str:
    """A username no earlier run of the demo has taken."""
    return f"{name}-{time.monotonic_ns()}"


def title(text: str) -> None:
    print(f"\n{text}\n{'=' * len(text)}", flush=True)
