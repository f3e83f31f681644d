"""
RFC 8252, OAuth 2.0 for Native Apps: which redirect URIs an app may
register, and how a presented one is matched against them.

An app gets its answer back through one of (§7):

- a private-use URI scheme in reverse-domain form (§7.1):
  `com.example.shop:/oauth2redirect`;
- the loopback interface (§7.3): `http://127.0.0.1/callback` or
  `http://[::1]/callback`, where the app listens on a port the operating
  system gives it, so the server MUST allow any port; `localhost` is NOT
  RECOMMENDED (§8.3: it may resolve elsewhere) and is not accepted;
- a claimed https link (§7.2): `https://app.example.com/oauth2redirect`.

Everything else is compared exactly, byte for byte (RFC 9700 §4.1.3:
no pattern matching). A redirect URI never carries a fragment (RFC 6749
§3.1.2).
"""

from urllib.parse import urlsplit

LOOPBACK_HOSTS = ("127.0.0.1", "[::1]")


def is_registrable(uri: str) -> bool:
    """Whether an app may register this redirect URI."""
    try:
        parts = urlsplit(uri)
        parts.port  # noqa: B018  (raises ValueError for a port that is no number)
    except ValueError:
        return False
    if parts.fragment or not parts.scheme or any(character.isspace() for character in uri):
        return False
    if parts.scheme == "https":
        return bool(parts.hostname)
    if parts.scheme == "http":
        return _is_loopback(parts) and parts.port is None  # any port matches: none is registered
    # §7.1: a private-use scheme has a period in it (reverse-domain form), and names no host.
    return "." in parts.scheme and not parts.netloc


def matches(registered: str, presented: str) -> bool:
    """Whether a presented redirect URI is the registered one (a loopback one: on any port)."""
    if presented == registered:
        return True
    try:
        want, got = urlsplit(registered), urlsplit(presented)
        port = got.port
    except ValueError:
        return False
    if not (want.scheme == got.scheme == "http" and _is_loopback(want) and _is_loopback(got)):
        return False
    # §7.3: the port is the app's, for this one request; everything else exactly as registered.
    return (
        port is not None
        and got.netloc == f"{_host(got)}:{port}"
        and _host(got) == _host(want)
        and (got.path, got.query, got.fragment) == (want.path, want.query, "")
    )


def _is_loopback(parts) -> bool:
    return _host(parts) in LOOPBACK_HOSTS and not parts.username and not parts.password


def _host(parts) -> str:
    # urlsplit() gives an IPv6 host without its brackets.
    return f"[{parts.hostname}]" if parts.hostname and ":" in parts.hostname else parts.hostname or ""


def csp_source(uri: str) -> str:
    """
    What a Content-Security-Policy must name to let a form's submission end
    at this redirect URI (form-action applies to the redirects it leads
    to): its scheme for a private-use one, its origin otherwise.
    """
    parts = urlsplit(uri)
    if parts.scheme not in ("http", "https"):
        return f"{parts.scheme}:"
    return f"{parts.scheme}://{parts.netloc.rpartition('@')[2]}"
