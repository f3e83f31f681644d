"""
Settings shared by every environment.

production.py and test.py import everything from here and override only
what differs. Every secret and every service address comes from the
environment; nothing here is a production secret.
"""

import os
import re
from pathlib import Path
from urllib.parse import quote

import dj_database_url
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from redis.backoff import NoBackoff
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.retry import Retry

from ops.redis_commands import NotedSentinelManagedConnection, noted_connection_class

BASE_DIR = Path(__file__).resolve().parent.parent.parent

# Everything a running stack writes goes under STATE_DIR, so that two stacks
# can run side by side from one checkout.
STATE_DIR = Path(os.environ.get("STATE_DIR", BASE_DIR / "var"))

DEBUG = False

ALLOWED_HOSTS = os.environ.get("ALLOWED_HOSTS", "localhost,127.0.0.1").split(",")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    # The shop's apps, each with one job. Each imports only apps listed
    # above it, never one below (the import-linter contracts in
    # pyproject.toml, checked by `make test`).
    "ops",
    "session_state",
    "catalog",
    "accounts",
    "cart",
    "orders",
    "demo",
    "api",
    "lab",
    # django-ninja, for its docs page's static files (Swagger UI, served by
    # the shop itself: the CSP allows no other origin).
    "ninja",
    # django-ratelimit counts the API's requests (api/ratelimits.py); listed
    # for its system check, which refuses a cache that is not shared.
    "django_ratelimit",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # django-csp's, with the shop's fixed policy built once (ops/middleware.py).
    "ops.middleware.FixedPolicyCSPMiddleware",
    # Early, so that every response carries X-Served-By (SHOW_WORKER), 503
    # pages included.
    "ops.middleware.ServedByMiddleware",
    # The session lab's recorder (SESSION_LAB), before the session
    # middleware, whose round trips it counts: for browsers that opened the
    # lab only, not installed without SESSION_LAB (lab/middleware.py).
    "lab.middleware.LabRecorderMiddleware",
    # The API's answers: JSON, never stored, never a cookie (api/middleware.py).
    "api.middleware.ApiResponsesMiddleware",
    # A form body Django will not decode answers 400 before anything reads it.
    "ops.middleware.UndecodableRequestMiddleware",
    # Messages ride in a signed cookie (MESSAGE_STORAGE) and need no
    # session, so they come first: the session middleware says "your
    # session expired" with one.
    "django.contrib.messages.middleware.MessageMiddleware",
    # In Django's SessionMiddleware's place: the session and request.cart,
    # a page's session read with its cart's count in one Redis round trip,
    # the idle timeout slid, an ended session said, 503 when Redis is down
    # (cart.middleware, session_state.middleware).
    "cart.middleware.SessionAndCartMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    # In Django's AuthenticationMiddleware's place: a logged-in session's
    # user comes from the record read with the session, without a query
    # (session_state/user_records.py).
    "session_state.middleware.AuthenticationMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Last, so that its process_exception sees a view's exception first.
    "ops.middleware.ServiceUnavailableMiddleware",
]

ROOT_URLCONF = "shop.urls"
WSGI_APPLICATION = "shop.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "ops.context_processors.served_by",
                "catalog.context_processors.category_nav",
                "cart.context_processors.cart",
                # The demo account, offered on the login page.
                "demo.context_processors.demo_account",
            ],
        },
    },
]

# SQLite in the stack's state folder unless DATABASE_URL names another
# database (PostgreSQL in production). A worker keeps its PostgreSQL
# connection for a minute, checked before each request that uses it
# (conn_health_checks: a connection the server dropped is replaced, not
# failed on); a request that needs no query opens none.
DATABASES = {
    "default": dj_database_url.config(
        env="DATABASE_URL",
        default=f"sqlite:///{STATE_DIR / 'db.sqlite3'}",
        conn_max_age=60,
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Several gunicorn workers write to one SQLite file. WAL lets readers run
    # beside a writer, IMMEDIATE takes the write lock at BEGIN (so a
    # transaction never fails half-way on upgrading its lock), and the
    # timeout makes a writer wait for the lock instead of failing at once.
    # No persistent connection: opening SQLite is opening a file (tens of
    # microseconds, no server, no authentication), and a connection kept
    # open would go on reading a file that was moved or replaced under it
    # (a restore, the tests' database outage), where a new one fails as it
    # should.
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Redis -----------------------------------------------------------------

REDIS_URL = os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0")

# A Redis that cannot answer must turn into a 503 page quickly, not a hung
# worker: short socket timeouts, and a single immediate retry on a broken
# connection only (a pooled connection is broken once after Redis restarts;
# retrying a timeout would only double the wait).
REDIS_SOCKET_TIMEOUT = float(os.environ.get("REDIS_SOCKET_TIMEOUT", "0.5"))
_REDIS_OPTIONS = {
    "SOCKET_CONNECT_TIMEOUT": REDIS_SOCKET_TIMEOUT,
    "SOCKET_TIMEOUT": REDIS_SOCKET_TIMEOUT,
    "CONNECTION_POOL_KWARGS": {
        "retry": Retry(NoBackoff(), 1, supported_errors=(RedisConnectionError,)),
        "retry_on_error": [RedisConnectionError],
    },
}

# An add to a cart that Redis starts later than this after the worker sent
# it changes nothing (cart.storage): by then the worker may have timed out
# and answered 503, and the shopper would add again. Half the socket timeout
# leaves the other half for the answer to come back. Redis's clock is
# compared with the worker's, so the two must agree to well within this
# (NTP keeps them within milliseconds); /healthz fails when they do not.
REDIS_CHANGE_DEADLINE = REDIS_SOCKET_TIMEOUT / 2

# With Redis Sentinel ("host:port,host:port,..."), the primary is found
# through the Sentinels, and found again after a failover. Only the primary
# is used, for reads too: a replica may lag behind, and a session read from
# it just after login would not be logged in yet.
REDIS_SENTINELS = [
    (host, int(port))
    for host, port in (
        address.rsplit(":", 1) for address in os.environ.get("REDIS_SENTINELS", "").split(",") if address
    )
]
# With Redis Cluster ("host:port,host:port,...", seed nodes; REDIS_PASSWORD
# where set), sessions, carts and everything else in Redis are spread over
# the cluster's primaries by their hash tags (session_state.keys), through
# a client of ours (ops.redis_cluster): django-redis has none.
REDIS_CLUSTER_NODES = [
    (host, int(port))
    for host, port in (
        address.rsplit(":", 1) for address in os.environ.get("REDIS_CLUSTER_NODES", "").split(",") if address
    )
]
if REDIS_SENTINELS and REDIS_CLUSTER_NODES:
    raise ImproperlyConfigured(
        "Set REDIS_SENTINELS or REDIS_CLUSTER_NODES, not both: a cluster fails over by itself."
    )
if REDIS_CLUSTER_NODES:
    _host, _port = REDIS_CLUSTER_NODES[0]
    _REDIS_LOCATION = f"redis://{_host}:{_port}/0"
    _REDIS_OPTIONS.update(
        {
            "CONNECTION_FACTORY": "ops.redis_cluster.ClusterConnectionFactory",
            "CLUSTER_NODES": REDIS_CLUSTER_NODES,
        }
    )
    if os.environ.get("REDIS_PASSWORD"):
        _REDIS_OPTIONS["PASSWORD"] = os.environ["REDIS_PASSWORD"]
elif REDIS_SENTINELS:
    _password = quote(os.environ.get("REDIS_PASSWORD", ""), safe="")
    _service = os.environ.get("REDIS_SENTINEL_SERVICE", "shop")
    _REDIS_LOCATION = [f"redis://:{_password}@{_service}/0" if _password else f"redis://{_service}/0"]
    _REDIS_OPTIONS.update(
        {
            "CLIENT_CLASS": "django_redis.client.SentinelClient",
            "CONNECTION_FACTORY": "django_redis.pool.SentinelConnectionFactory",
            "CONNECTION_POOL_CLASS": "redis.sentinel.SentinelConnectionPool",
            "SENTINELS": REDIS_SENTINELS,
            "SENTINEL_KWARGS": {"socket_timeout": REDIS_SOCKET_TIMEOUT},
        }
    )
else:
    _REDIS_LOCATION = REDIS_URL
# redis-py's own connection class for the URL's scheme, with a hook that
# notes the commands a request sends, for the session lab
# (ops/redis_commands.py): a context variable lookup per round trip for
# every request the lab does not watch.
_REDIS_OPTIONS["CONNECTION_POOL_KWARGS"]["connection_class"] = (
    NotedSentinelManagedConnection if REDIS_SENTINELS else noted_connection_class(_REDIS_LOCATION)
)

CACHES = {
    # Rate-limit counts (accounts.throttling's, the API's through
    # django-ratelimit: RATELIMIT_USE_CACHE) and anything else shared.
    "default": {
        "BACKEND": "django_redis.cache.RedisCache",
        "LOCATION": _REDIS_LOCATION,
        "KEY_PREFIX": "shop",
        "OPTIONS": _REDIS_OPTIONS,
    },
    # The Redis of sessions and of everything they name (users' indexes of
    # sessions, carts), on an alias of its own. The session engine uses its
    # connection and writes its own keys (session_state.keys), as JSON.
    "sessions": {
        "BACKEND": "django_redis.cache.RedisCache",
        "LOCATION": _REDIS_LOCATION,
        "KEY_PREFIX": "shop",
        "OPTIONS": _REDIS_OPTIONS,
    },
    # The catalog's pages as rendered, in each worker's own memory, under
    # the catalog's version, which a request reads from the database
    # (catalog/pages.py): not in Redis, where reading them would cost an
    # anonymous page a round trip. A change renews them on every worker at
    # once (catalog.services.catalog_changed); TIMEOUT bounds how long one
    # made behind the shop's back (QuerySet.update(), SQL) goes unseen, as
    # USER_RECORD_TTL does for users. MAX_ENTRIES bounds the memory (a
    # listing is some 10 kB): every category's pages and more.
    "catalog": {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "LOCATION": "catalog",
        "TIMEOUT": 300,
        "OPTIONS": {"MAX_ENTRIES": 500},
    },
}

# Replication is asynchronous: a failover right after a login could lose
# it (logged out) or a new session id (an unknown cookie). Logins and new
# session ids wait until a replica has them (WAIT), at most this long, when
# there are replicas: on a cluster and with Sentinel. On one Redis with no
# replica, WAIT would only ever time out.
REDIS_WAIT_FOR_REPLICAS = int(
    os.environ.get("REDIS_WAIT_FOR_REPLICAS", "1" if REDIS_CLUSTER_NODES or REDIS_SENTINELS else "0")
)
REDIS_REPLICA_WAIT_MS = int(os.environ.get("REDIS_REPLICA_WAIT_MS", "100"))

# --- Sessions --------------------------------------------------------------

# Sessions in Redis, told apart from a Redis outage, with idle and absolute
# timeouts (session_state/store.py). The engines it is compared with live
# in settings/comparison.py.
SESSION_ENGINE = "session_state.store"
# The django-redis alias whose Redis holds sessions and everything they
# name (session_state.connection); carts stay here whatever engine runs.
SESSION_REDIS_ALIAS = "sessions"

# The idle timeout. The session store gives every session key this TTL in
# Redis, so abandoned sessions vanish by themselves; use slides it, at most
# once a minute (session_state.middleware).
SESSION_COOKIE_AGE = int(os.environ.get("SESSION_IDLE_TIMEOUT", "3600"))
# However active, a logged-in session ends this long after its login.
SESSION_ABSOLUTE_TIMEOUT = int(os.environ.get("SESSION_ABSOLUTE_TIMEOUT", str(12 * 3600)))
# The cookie lasts until the browser closes; Redis's TTL is what enforces the
# idle timeout. A cookie that expired with the session (Max-Age = the idle
# timeout) would vanish from the browser unseen, and the shop could not tell
# the visitor "your session expired" when they come back.
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
# How sessions are written in Redis (session_state/fields.py): "short" names,
# or "long" ones (Django's own, and the shop's former names; access tokens
# naming the user by id) for the one release that bridges a rolling deploy
# from a release before short names: it reads both and writes only what
# the release before can read. Roll it out with "long", then again with
# "short" (docs/architecture.md, "Serialization").
SESSION_STORED_NAMES = os.environ.get("SESSION_STORED_NAMES", "short")
if SESSION_STORED_NAMES not in ("short", "long"):
    raise ImproperlyConfigured('SESSION_STORED_NAMES is "short" or "long".')
# What a logged-in request needs of its user is kept beside its session in
# Redis, written whenever the user is saved (session_state/user_records.py).
# A change made without save() (QuerySet.update, SQL) sends no signal and
# reaches requests once the record expires: this many seconds at the latest.
USER_RECORD_TTL = int(os.environ.get("USER_RECORD_TTL", "300"))
# Logged-in sessions a user may have at once; a login beyond ends the oldest.
MAX_SESSIONS_PER_USER = int(os.environ.get("MAX_SESSIONS_PER_USER", "10"))
# Sensitive actions ask for the password again when it was last typed longer ago.
REAUTH_AFTER = int(os.environ.get("REAUTH_AFTER", "600"))

# Not Django's default "sessionid" (it names the framework to an attacker).
# The __Host- prefix makes the browser refuse the cookie unless it is Secure,
# has Path=/ and no Domain, so no sibling subdomain can plant or overwrite it.
SESSION_COOKIE_NAME = "__Host-shop_session"
SESSION_COOKIE_SECURE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_PATH = "/"
SESSION_COOKIE_DOMAIN = None

CSRF_COOKIE_NAME = "__Host-csrftoken"
CSRF_COOKIE_SECURE = True
CSRF_COOKIE_SAMESITE = "Lax"

# nginx terminates TLS and says so in this header (deploy/nginx/shop.conf.template);
# gunicorn is reachable only through nginx's socket.
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# --- Security headers ------------------------------------------------------

# Browsers keep to HTTPS for a year. (They ignore the header over a
# certificate they had to be told to accept, so the local stack's
# self-signed certificate does not pin localhost.)
SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", str(365 * 24 * 3600)))
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
# Django's defaults, named here because the shop relies on them.
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

# The pages run no script at all; everything they load comes from the shop.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
        "base-uri": [NONE],
        "object-src": [NONE],
    }
}

# --- Accounts --------------------------------------------------------------

# bcrypt first: new and re-hashed passwords use it. The SHA-256 variant
# pre-hashes, so passwords longer than bcrypt's 72 bytes are not truncated.
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.BCryptSHA256PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    "django.contrib.auth.hashers.ScryptPasswordHasher",
]

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Django's ModelBackend, its password checks throttled across all workers.
AUTHENTICATION_BACKENDS = ["accounts.backends.ThrottledModelBackend"]

LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "accounts:profile"
LOGOUT_REDIRECT_URL = "catalog:home"

# Failed password checks allowed per window, counted in Redis so that every
# worker shares the counts (accounts/throttling.py), whatever form checks
# the password (the login, the admin's, the API's, re-authentication, the
# password change):
# - per username at one address: the guessing limit, which holds that
#   address only, so that nobody elsewhere can lock the owner out with it;
# - per username over all addresses: what bounds guessing spread over many
#   addresses (100 a window is 9,600 a day, whatever the number of
#   addresses; docs/architecture.md), large enough that using it up, which
#   does hold the owner out too, takes at least 100 / 5 = 20 addresses in
#   one window;
# - per address whatever the username, higher than the first, so that an
#   office behind one NAT address does not lock itself out on the first
#   few typos.
LOGIN_FAILURES_PER_USERNAME_AND_ADDRESS = int(os.environ.get("LOGIN_FAILURES_PER_USERNAME_AND_ADDRESS", "5"))
LOGIN_FAILURES_PER_USERNAME = int(os.environ.get("LOGIN_FAILURES_PER_USERNAME", "100"))
LOGIN_FAILURES_PER_IP = int(os.environ.get("LOGIN_FAILURES_PER_IP", "50"))
LOGIN_FAILURE_WINDOW = int(os.environ.get("LOGIN_FAILURE_WINDOW", "900"))

# Password resets and registrations a client address, and an e-mail
# address, may ask for per hour: each reset sends an e-mail, and each
# registration makes an account (accounts/throttling.py). Every
# registration attempt counts, refused ones too (and an e-mail change),
# since each answers whether a username or an address is taken.
PASSWORD_RESETS_PER_ADDRESS = int(os.environ.get("PASSWORD_RESETS_PER_ADDRESS", "10"))
PASSWORD_RESETS_PER_EMAIL = int(os.environ.get("PASSWORD_RESETS_PER_EMAIL", "3"))
REGISTRATIONS_PER_ADDRESS = int(os.environ.get("REGISTRATIONS_PER_ADDRESS", "5"))
REGISTRATIONS_PER_EMAIL = int(os.environ.get("REGISTRATIONS_PER_EMAIL", "3"))
REQUEST_LIMIT_WINDOW = int(os.environ.get("REQUEST_LIMIT_WINDOW", "3600"))

# The shop's public address, for links in e-mails (a password reset's):
# never the request's Host, which a client chooses (Django checks the host
# name against ALLOWED_HOSTS, not the port). The stack sets its own.
SHOP_PUBLIC_URL = os.environ.get("SHOP_PUBLIC_URL", "https://localhost:8443").rstrip("/")

# --- The API (api/, session_state/token_logins.py) --------------------------

# The API lives under this path. Its requests authenticate with Bearer
# tokens and have no session: the session middleware neither reads a
# session cookie there nor sets one, so a browser's cookie drives nothing
# in the API (no cross-site use) and no API response sets a cookie.
API_PATH = "/api/"
SESSION_FREE_PATHS = [API_PATH]

# The API's docs page, /api/v1/docs (the schema, /api/v1/openapi.json, is always served).
API_DOCS = os.environ.get("API_DOCS", "1") == "1"


# Access tokens live this long; they are JWTs the API checks without a
# database read, so short.
API_ACCESS_TOKEN_LIFETIME = int(os.environ.get("API_ACCESS_TOKEN_LIFETIME", "900"))
API_TOKEN_ISSUER = SHOP_PUBLIC_URL
API_TOKEN_AUDIENCE = f"{SHOP_PUBLIC_URL}/api/v1"
# "<key id>:<secret>,...": keys of their own, never SECRET_KEY. The first
# signs; every one listed verifies, so a new key goes in first and the old
# one leaves once its tokens have expired.
API_SIGNING_KEYS = [
    tuple(pair.split(":", 1)) for pair in os.environ.get("API_SIGNING_KEYS", "").split(",") if ":" in pair
]

# Refresh tokens (session_state/token_logins.py): one per API login, rotated
# at every use. A login ends after this long without a refresh, and this
# long after it began whatever happens; rotation never extends the second.
API_REFRESH_IDLE_LIFETIME = int(os.environ.get("API_REFRESH_IDLE_LIFETIME", str(7 * 24 * 3600)))
API_REFRESH_ABSOLUTE_LIFETIME = int(os.environ.get("API_REFRESH_ABSOLUTE_LIFETIME", str(30 * 24 * 3600)))
# The previous refresh token, sent again this soon after its rotation, gets
# the same successor (a phone that lost the answer, two threads refreshing
# at once); any later, it is taken for stolen and its login ends.
API_REFRESH_REUSE_GRACE = int(os.environ.get("API_REFRESH_REUSE_GRACE", "30"))

# OAuth (session_state/oauth/): the clients are registered in the admin
# (session_state.OAuthClient). A token request that names no client_id (the
# JSON bodies the API took before it spoke OAuth) is the shop's own app's;
# the password grant (RFC 6749 §4.3), for first-party clients only, can be
# turned off: RFC 9700 §2.4 says it MUST NOT be used, and new apps sign in
# with the authorization code and PKCE (docs/api.md).
OAUTH_DEFAULT_CLIENT_ID = "shop-mobile"
OAUTH_PASSWORD_GRANT = os.environ.get("OAUTH_PASSWORD_GRANT", "1") == "1"
# An authorization code lives this long (RFC 6749 §4.1.2 recommends at most
# ten minutes; an app exchanges it at once). Once used it is kept a while
# longer, so that a replay still finds it and ends the login made from it.
OAUTH_CODE_LIFETIME = 60
OAUTH_USED_CODE_KEPT = 600

# An Idempotency-Key (the API's cart adds and checkouts) is bound to the
# request it came with for this long: the same key again answers that
# request's result, with another request a 422. A client retries within
# minutes; Stripe keeps its keys 24 hours too. After that the key is free.
IDEMPOTENCY_KEY_LIFETIME = 24 * 3600

# Every worker keeps the revoked API logins in memory (session_state/
# revocations.py), fed by pub/sub and read whole again this often, for a
# message lost with a connection. A worker that has not heard from Redis for
# longer than API_REVOCATION_STALE_AFTER answers the API's requests 503:
# it can no longer tell a revoked token (fail closed).
API_REVOCATION_CATCH_UP = float(os.environ.get("API_REVOCATION_CATCH_UP", "0.5"))
API_REVOCATION_STALE_AFTER = float(os.environ.get("API_REVOCATION_STALE_AFTER", "3"))

# Requests to the API per window (api/ratelimits.py, django-ratelimit):
# "<count>/<period>", the period s, m, h or d, optionally with a number
# before it ("100/5m"). Counted per API login (a live Bearer token), else
# per client address, in Redis (RATELIMIT_USE_CACHE); past it, 429 with
# Retry-After. A phone browsing hard makes a few requests a second at most.
API_RATE_LIMIT = os.environ.get("API_RATE_LIMIT", "600/m")
if not re.fullmatch(r"[1-9][0-9]*/[0-9]*[smhd]", API_RATE_LIMIT):
    raise ImproperlyConfigured(
        f'API_RATE_LIMIT is "<count>/<period>", such as "600/m": not {API_RATE_LIMIT!r}.'
    )
# The counts live on the shop's Redis (or cluster), shared by every worker.
RATELIMIT_USE_CACHE = "default"
# A count that cannot be read back after it was made (evicted, or lost in a
# failover) lets the request through rather than refusing it. Redis not
# answering is not this: that is the API's 503 (api/ratelimits.py).
RATELIMIT_FAIL_OPEN = True

# The client address as nginx saw it: nginx overwrites X-Real-IP with
# $remote_addr, so a client cannot choose its own count. X-Forwarded-For is
# never read (a client can prepend anything to it).
CLIENT_IP_META_KEY = "HTTP_X_REAL_IP"

# Which worker answered, in X-Served-By on every response and in every
# page's footer: it teaches, on the stack a developer runs (deploy/stack.py
# switches it on), how requests spread over the workers. Off unless switched
# on: in production it would tell anyone the host names and pids behind nginx.
SHOW_WORKER = os.environ.get("SHOW_WORKER", "0") == "1"

# Who may read /healthz's detail (which dependency is down; a clock off by
# how much), by client address (CLIENT_IP_META_KEY): the stack's own
# address, where its operator, its checks and Docker's health check run.
# Anyone else learns "ok" or "unavailable" and nothing more.
HEALTH_DETAIL_ADDRESSES = frozenset(
    address.strip()
    for address in os.environ.get("HEALTH_DETAIL_ADDRESSES", "127.0.0.1,::1").split(",")
    if address.strip()
)

# Flash messages ride in a signed cookie, never in the session: a message
# then costs no Redis write, and many requests at once (two tabs adding to
# the cart) never race to rewrite the session for one.
MESSAGE_STORAGE = "ops.messages.HostCookieStorage"

# --- The session lab (lab/) --------------------------------------------------

# /lab/: a visitor watches their own session live. Off unless switched on:
# the local stack (make run) and the tests switch it on. It shows a visitor
# only their own session, and costs nothing to a browser that never opened
# it, but a shop in production has no need of it.
SESSION_LAB = os.environ.get("SESSION_LAB", "0") == "1"
SESSION_LAB_PATH = "/lab/"
# The feed the lab page polls reads the session as stored, without using
# it: no session is read or slid there, so the idle timeout can be watched
# running out.
SESSION_LAB_FEED_PATH = SESSION_LAB_PATH + "feed"
SESSION_FREE_PATHS.append(SESSION_LAB_FEED_PATH)
# The lab cookie: which browser's requests the lab records, for that browser
# alone (random and signed, HttpOnly, never sent cross-site: lab/ids.py).
SESSION_LAB_COOKIE_NAME = "__Host-shop_lab"

# --- Cart ------------------------------------------------------------------

# A logged-in user's cart lives this long after its last change; an
# anonymous visitor's lives as long as an idle session.
CART_USER_TTL = int(os.environ.get("CART_USER_TTL", str(30 * 24 * 3600)))

# The function that merges the anonymous cart into the user's at login.
CART_MERGE_FUNCTION = "cart.services.merge_carts"

# Password-reset e-mail is printed to the server's console: this is a demo
# shop that sends no mail. Set a real backend in production.py to send it.
EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "Hearth & Home <shop@localhost>")

# --- Static files and the rest ---------------------------------------------

STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = STATE_DIR / "static"

LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s [pid %(process)d] %(message)s"},
    },
    "handlers": {
        "console": {"class": "logging.StreamHandler", "formatter": "plain"},
    },
    "root": {"handlers": ["console"], "level": "INFO"},
    "loggers": {
        "django": {"handlers": ["console"], "level": "INFO", "propagate": False},
    },
}
