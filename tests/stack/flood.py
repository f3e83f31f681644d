"""Requests from one loopback address as fast as nginx answers them, for the tests of its per-address limits."""

import itertools
import threading
import time
from dataclasses import dataclass, field

import requests

from bench.demos.common import FromAddress


@dataclass
class Flood:
    statuses: list = field(default_factory=list)  # of every answer, in the order they came
    seconds: float = 0.0  # from the first request sent to the last answer
    refused: dict = field(default_factory=dict)  # the first 429 to each path

    def count(self, status: int) -> int:
        return self.statuses.count(status)


def flood(
    stack, address: str, paths: list[str], *, until, threads: int = 6, most_seconds: float = 20
) -> Flood:
    """
    GET paths in turn from address over `threads` keep-alive connections at
    once, each sending its next request as soon as it has an answer, until
    until(flood) is true (or most_seconds pass).
    """
    result = Flood()
    lock = threading.Lock()
    start = time.monotonic()

    def run(first: int):
        with session_from(stack, address) as http:
            for n in itertools.count(first):
                with lock:
                    result.seconds = time.monotonic() - start
                    if until(result) or result.seconds > most_seconds:
                        return
                path = paths[n % len(paths)]
                response = http.get(stack.url + path, allow_redirects=False, timeout=10)
                with lock:
                    result.statuses.append(response.status_code)
                    if response.status_code == 429:
                        result.refused.setdefault(path, response)

    workers = [threading.Thread(target=run, args=(n,)) for n in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    result.seconds = time.monotonic() - start
    return result


def session_from(stack, address: str) -> requests.Session:
    """A requests session on the stack's certificate whose connections come from address."""
    http = requests.Session()
    http.trust_env = False
    http.verify = str(stack.tls_cert)
    http.mount("https://", FromAddress(address))
    return http
