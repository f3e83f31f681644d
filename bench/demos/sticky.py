"""An office behind one address, sticky sessions, and the server it overloads killed (make demo-sticky)."""

import os
import signal
import statistics
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from .common import DEMO_DIR, Browser, Finding, FromAddress, start_stack, title, unique

OFFICE = 12  # colleagues behind the office's one NAT address
HOME = 6  # users at home, each behind an address of its own
SERVERS = 3
SECONDS_BEFORE_KILL = 4
SECONDS_AFTER_KILL = 3
PAUSE = 0.05  # between one user's clicks
CHART = DEMO_DIR / "sticky.png"
BIN = 0.5  # seconds per point of the chart


# Each user connects from an address of its own on the loopback network,
# as if from another machine. nginx's ip_hash hashes only the first three
# octets of an IPv4 address: the office's addresses share one /24 (to
# nginx, one client behind one NAT), each home user has a /24 of its own.
def office_address(n: int) -> str:
    return f"127.70.1.{10 + n}"


def home_address(n: int) -> str:
    # 127.71.1, 127.71.2, ...: as ip_hash falls, two on each server.
    return f"127.71.{n + 1}.10"


class UserAt(Browser):
    """A browser on a machine of its own: its connections come from address."""

    def __init__(self, stack, address: str, group: str):
        super().__init__(stack)
        self.address = address
        self.group = group  # "office" or "home"
        self.http.mount("https://", FromAddress(address))


@dataclass
class Answer:
    at: float  # seconds since the load began, when the answer came
    user: int
    server: str  # the app server that answered, "-" for none (nginx's 502, no answer)
    seconds: float  # from sending to the answer, as the user waited
    status: int | None  # None: no answer at all


@dataclass
class Run:
    """What one stack went through: every answer, and when a server was killed."""

    name: str
    answers: list = field(default_factory=list)
    killed: str = ""
    killed_at: float = 0.0
    # app server -> its workers' CPU time over the wall time, before the kill
    busy: dict = field(default_factory=dict)
    users: list = field(default_factory=list)
    still_logged_in: list = field(default_factory=list)

    def served_before_kill(self, server: str, users=None) -> list[Answer]:
        return [
            a for a in self.answers
            if a.at < self.killed_at and a.server == server and (users is None or a.user in users)
        ]  # fmt: skip

    def logged_out(self, group: str) -> list[int]:
        """The users of group whom a page found logged out after the kill, or logged out at the end."""
        after = {a.user for a in self.answers if a.at >= self.killed_at and a.status == 302}
        return [
            n for n, user in enumerate(self.users)
            if user.group == group and (n in after or not self.still_logged_in[n])
        ]  # fmt: skip


def run() -> Finding:
    title("An office behind one address: sticky sessions, and the server they overload killed")
    print(
        f"{OFFICE} colleagues reach the shop through their office's one NAT address, {HOME} people\n"
        f"from home; {SERVERS} app servers of one worker each behind nginx. Everyone clicks for\n"
        f"{SECONDS_BEFORE_KILL} s, then the office's server is killed (SIGKILL: its gunicorn master and\n"
        f"worker; in the second run the same one), and they go on for {SECONDS_AFTER_KILL} s."
    )
    sticky = _run(
        "sticky-memory",
        "memory",
        "ip_hash",
        "nginx's ip_hash (sticky by address) and Django's per-process memory sessions",
        kill=None,
    )
    fixed = _run(
        "sticky-redis",
        "redis",
        None,
        "the shop: round robin (no stickiness) and its Redis sessions",
        kill=sticky.killed,
    )
    _draw_chart([sticky, fixed])
    print(f"\n  chart of requests per server over time: {CHART}")
    print(
        "\nip_hash sends an address to the same server every time, and an office's NAT is one\n"
        "address (nginx hashes only its first three octets): the whole office lands on one server,\n"
        "which queues their requests while the others have little to do. Its memory held their\n"
        "sessions (and those of anyone else whose address hashes there), so when it dies they are all\n"
        "logged out: nginx sends them to a server that has never seen them. With the sessions in\n"
        "Redis no server needs to be sticky: round robin spreads the office over every server, and\n"
        "when one dies the others serve its users, still logged in.\n"
    )
    before_kill = [a for a in sticky.answers if a.at < sticky.killed_at]
    share = len(sticky.served_before_kill(sticky.killed)) / len(before_kill)
    busy = sticky.busy[sticky.killed]
    logged_out = len(fixed.logged_out("office") + fixed.logged_out("home"))
    return Finding(
        story="Sticky sessions (the office NAT)",
        what_broke=(
            f"office on one server ({share:.0%} of requests, busy {busy:.0%}); "
            f"it died: {len(sticky.logged_out('office'))} of {OFFICE} logged out"
        ),
        what_the_shop_does="round robin; any server reads the session from Redis",
        measured=f"{logged_out} of {OFFICE + HOME} logged out",
    )


def _run(name: str, backend: str, balance: str | None, explanation: str, *, kill: str | None) -> Run:
    print(f"\n{explanation}")
    # One worker per app server: a server's memory is then one process's,
    # as with one Node.js process per machine (with more, each worker's
    # memory would log users out even without a crash: make demo-memory-sessions).
    print(f"  {SERVERS} app servers (gunicorn masters), one worker each:")
    stack = start_stack(name, backend, workers=1, app_servers=SERVERS, balance=balance)
    try:
        result = Run(name)
        result.users = [UserAt(stack, office_address(n), "office") for n in range(OFFICE)]
        result.users += [UserAt(stack, home_address(n), "home") for n in range(HOME)]
        with ThreadPoolExecutor(6) as pool:
            registered = list(
                pool.map(lambda user: user.register(unique(f"{name}-{user.group}")), result.users)
            )
        refused = [response.status_code for response in registered if response.status_code != 302]
        if refused:
            raise RuntimeError(f"registrations were refused ({refused}); see {stack.log_dir}")
        server_of = _servers_by_pid(stack)
        stop = threading.Event()
        cpu_at_start = {server: _cpu_seconds(stack.gunicorn_workers(server)) for server in stack.app_servers}
        started = time.monotonic()

        def click(n, user):
            while not stop.is_set():
                sent = time.monotonic()
                try:
                    response = user.get("/accounts/profile/")
                except OSError:
                    result.answers.append(
                        Answer(time.monotonic() - started, n, "-", time.monotonic() - sent, None)
                    )
                    continue
                pid = response.headers.get("X-Served-By", "-").rsplit(":", 1)[-1]
                server = server_of.get(pid, "-")
                result.answers.append(
                    Answer(
                        time.monotonic() - started, n, server, time.monotonic() - sent, response.status_code
                    )
                )
                time.sleep(PAUSE)

        threads = [
            threading.Thread(target=click, args=(n, user), daemon=True) for n, user in enumerate(result.users)
        ]
        for thread in threads:
            thread.start()
        time.sleep(SECONDS_BEFORE_KILL)
        result.killed_at = time.monotonic() - started
        result.busy = {
            server: (_cpu_seconds(stack.gunicorn_workers(server)) - cpu_at_start[server]) / result.killed_at
            for server in stack.app_servers
        }
        office = {n for n, user in enumerate(result.users) if user.group == "office"}
        _print_load(stack, result, office)
        if kill is None:
            # The office's server: the one that answered most of its requests.
            kill = max(stack.app_servers, key=lambda server: len(result.served_before_kill(server, office)))
        result.killed = kill
        print(f"  killing {kill} (SIGKILL to its gunicorn master and worker) ...", flush=True)
        os.killpg(stack.pid(kill), signal.SIGKILL)
        time.sleep(SECONDS_AFTER_KILL)
        stop.set()
        for thread in threads:
            thread.join(timeout=30)
        result.still_logged_in = [user.logged_in() for user in result.users]
        after = [a for a in result.answers if a.at >= result.killed_at + 0.5 and a.user in office]
        print(
            "  after the kill the office was served by: "
            + ", ".join(
                f"{server} {share:.0%}"
                for server, share in _shares(after, stack.app_servers).items()
                if share
            )
        )
        failed = [a for a in result.answers if a.status is None or a.status >= 500]
        if failed:
            print(f"  {len(failed)} request(s) got no page (no answer or a 5xx) while {kill} died.")
        office_out, home_out = result.logged_out("office"), result.logged_out("home")
        print(
            f"  => {len(office_out)} of {OFFICE} office users and {len(home_out)} of {HOME} home users "
            f"were logged out by the kill."
        )
        return result
    finally:
        stack.stop()


def _servers_by_pid(stack) -> dict[str, str]:
    """The app server of each gunicorn worker, by the pid X-Served-By names."""
    return {str(pid): server for server in stack.app_servers for pid in stack.gunicorn_workers(server)}


def _cpu_seconds(pids: list[int]) -> float:
    """The CPU time (user and system) the processes have used so far."""
    total = 0.0
    for pid in pids:
        try:
            # utime and stime, the 14th and 15th fields: after the command, which is in parentheses.
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue  # gone
        total += (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    return total


def _shares(answers: list[Answer], servers: list[str]) -> dict[str, float]:
    return {server: sum(a.server == server for a in answers) / max(len(answers), 1) for server in servers}


def _print_load(stack, result: Run, office: set[int]) -> None:
    before = [a for a in result.answers if a.at < result.killed_at]
    print(
        f"  load per server over {result.killed_at:.1f} s (busy: its worker's CPU time in that time;\n"
        f"  latency: the median from sending to the answer, as users waited, queue included):"
    )
    for server in stack.app_servers:
        served = result.served_before_kill(server)
        office_users = len({a.user for a in served if a.user in office})
        latency = f"latency {statistics.median(a.seconds for a in served) * 1000:3.0f} ms" if served else ""
        print(
            f"    {server:<11}{len(served):5} requests ({len(served) / max(len(before), 1):3.0%}), "
            f"busy {result.busy[server]:3.0%}, {latency}; users: {office_users} office, "
            f"{len({a.user for a in served}) - office_users} home"
        )
    office_shares = _shares([a for a in before if a.user in office], stack.app_servers)
    print(
        "  the office's requests went to: "
        + ", ".join(f"{server} {share:.0%}" for server, share in office_shares.items())
    )
    pages = {n: sum(a.status == 200 for a in before if a.user == n) for n in range(len(result.users))}
    home = set(pages) - office
    print(
        f"  pages each user got: the office's {statistics.median(pages[n] for n in office):.0f}, "
        f"the home users' {statistics.median(pages[n] for n in home):.0f} (medians)"
    )


def _draw_chart(runs: list[Run]) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    titles = {"sticky-memory": "ip_hash + memory sessions", "sticky-redis": "round robin + Redis sessions"}
    figure, axes = plt.subplots(len(runs), 1, figsize=(10, 3.2 * len(runs)), sharex=True)
    for axis, run_ in zip(axes, runs, strict=True):
        # Whole bins only: the last, cut short by the end of the load, would dip.
        starts = [n * BIN for n in range(int(max(a.at for a in run_.answers) / BIN))]

        def per_second(counted, answers=run_.answers, starts=starts):
            rates = [
                sum(1 for a in answers if counted(a) and start <= a.at < start + BIN) / BIN
                for start in starts
            ]
            # Steps over each bin's own time, so that nothing seems to change before the kill.
            return [*starts, starts[-1] + BIN], [*rates, rates[-1]]

        for server in sorted({a.server for a in run_.answers} - {"-"}):
            axis.step(*per_second(lambda a, server=server: a.server == server), where="post", label=server)
        axis.step(*per_second(lambda a: a.status == 302), "k:", where="post", label="answers: logged out")
        axis.axvline(run_.killed_at, color="red", linestyle="--", label=f"{run_.killed} killed")
        axis.set_title(titles[run_.name])
        axis.set_ylabel("requests per second")
        axis.legend(fontsize="small", loc="upper left", bbox_to_anchor=(1.01, 1))
    axes[-1].set_xlabel(f"seconds ({OFFICE} office users, {HOME} from home; each point: {BIN} s)")
    figure.tight_layout()
    CHART.parent.mkdir(parents=True, exist_ok=True)
    figure.savefig(CHART, dpi=100)
    plt.close(figure)
