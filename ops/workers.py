"""Which worker answered a request: shown in X-Served-By and every page's footer."""

import os
import socket


def current_worker() -> str:
    """ "<host>:<pid>" of the process running this code."""
    # Read on every call, not at import: gunicorn forks its workers after
    # importing the application, so the pid at import is the master's.
    return f"{socket.gethostname()}:{os.getpid()}"
