"""Waiting for something another thread or process does, with a deadline."""

import time


def within(seconds: float, condition, *, every: float = 0.01) -> float | None:
    """How many seconds it took until condition() was true; None if it was not within the deadline."""
    start = time.monotonic()
    while True:
        if condition():
            return time.monotonic() - start
        if time.monotonic() - start > seconds:
            return None
        time.sleep(every)
