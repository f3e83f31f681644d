"""A shopper that talks to the real stack over HTTPS, and what the stack tests read from its answers."""

import itertools
import re
import socket

import requests

from bench.demos.common import FromAddress

SESSION_COOKIE = "__Host-shop_session"

# Each shopper connects from an address of its own on the loopback network
# (all of 127.0.0.0/8), as if from another machine, so that per-address
# login limits of one test do not reach into the next. Past 127.0.0.255 into
# the next octets: a run makes more shoppers than one octet holds (the
# cluster's fault tests log in anew throughout a reshard).
_addresses = (
    f"127.{n >> 16 & 255}.{n >> 8 & 255}.{n & 255}" for n in itertools.count(10) if 0 < n & 255 < 255
)


class Shopper:
    """A browser-like HTTPS client: cookies, CSRF tokens, one client address."""

    def __init__(self, stack, address=None):
        self.stack = stack
        self.address = address or next(_addresses)
        self.http = requests.Session()
        # Not the environment's CA bundle or proxies: this stack's own
        # certificate, and straight to loopback.
        self.http.trust_env = False
        self.http.verify = str(stack.tls_cert)
        self.http.mount("https://", FromAddress(self.address))
        self.http.mount("http://", FromAddress(self.address))
        # Django checks the Origin of every POST over HTTPS, as a browser sends it.
        self.http.headers["Origin"] = stack.url
        self._csrf_token = None

    def get(self, path, **kwargs):
        # As long as a POST waits, and within nginx's own 60 s: after a
        # SIGHUP, gunicorn retires the old workers at once, and a request
        # waits in the socket's backlog while the new ones import the shop
        # (seen: 10 s for four at once beside a busy core). Waiting is not
        # losing: a shorter timeout here counted it as a lost request.
        return self.http.get(self.stack.url + path, allow_redirects=False, timeout=30, **kwargs)

    def post_form(self, path, data, form_path=None, **kwargs):
        """POST like a browser: first open the page with the form for its CSRF token."""
        form = self.get(form_path or path)
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form.text).group(1)
        return self.http.post(
            self.stack.url + path,
            data={**data, "csrfmiddlewaretoken": token},
            allow_redirects=False,
            timeout=30,
            **kwargs,
        )

    def post(self, path, data=None, **kwargs):
        """POST with the CSRF token of the shopper's current cookie (no form page first)."""
        if self._csrf_token is None:
            page = self.get("/")  # product cards carry add-to-cart forms
            self._csrf_token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text).group(1)
        return self.http.post(
            self.stack.url + path,
            data={**(data or {}), "csrfmiddlewaretoken": self._csrf_token},
            allow_redirects=False,
            timeout=30,
            **kwargs,
        )

    def login(self, username, password, **kwargs):
        self._csrf_token = None  # Django rotates the CSRF secret at login.
        return self.post_form("/accounts/login/", {"username": username, "password": password}, **kwargs)

    def register(self, username, password):
        response = self.post_form(
            "/accounts/register/",
            {
                "username": username,
                "email": f"{username}@example.com",
                "password1": password,
                "password2": password,
            },
        )
        assert response.status_code == 302, response.text
        return response

    @property
    def session_id(self):
        return self.http.cookies.get(SESSION_COOKIE)

    def use_session_id(self, session_id):
        """Send this session id from now on, as an attacker would plant it."""
        # The cookie jar files cookies of the host "localhost" under
        # "localhost.local"; the same name there replaces, not adds.
        self.http.cookies.set(SESSION_COOKIE, session_id, domain="localhost.local", path="/")


def workers_that_served(stack, responses) -> list[int | None]:
    """
    The pid of the stack's gunicorn worker that each response names in
    X-Served-By ("<host>:<pid>"), or None where it names none of them: a
    count of distinct values alone would take any label for a worker.
    """
    pids = [pid for server in stack.app_servers for pid in stack.gunicorn_workers(server)]
    workers = {f"{socket.gethostname()}:{pid}": pid for pid in pids}
    return [workers.get(response.headers.get("X-Served-By")) for response in responses]
