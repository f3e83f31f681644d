"""What the lab writes: a request of a browser that opened it, into that browser's log."""

import json

from session_state.connection import redis_client
from session_state.keys import lab_log
from session_state.lua import LuaScript

# A browser's log keeps its last requests, for an hour after the last one.
KEPT_REQUESTS = 50
KEPT_SECONDS = 3600

_RECORD = LuaScript(__file__, "record.lua")


def record_request(*, lab_id: str, entry: dict) -> None:
    """
    Add a request to the browser's log, in one round trip. The log goes on
    through the ends of sessions (the lab tells them); it starts again where
    the request came with another session than the log's last (record.lua).
    """
    _RECORD(
        client=redis_client(),
        keys=[lab_log(lab_id)],
        args=[
            json.dumps(entry, separators=(",", ":")),
            entry["fingerprint_before"] or "",
            KEPT_REQUESTS,
            KEPT_SECONDS,
        ],
    )
