"""What the lab writes: a request of a browser that opened it, into that browser's log."""

import json

from session_state.api import redis_client
from session_state.keys import lab_log

# A browser's log keeps its last requests, for an hour after the last one.
KEPT_REQUESTS = 50
KEPT_SECONDS = 3600


def record_request(*, lab_id: str, entry: dict) -> None:
    """Add a request to the browser's log: one round trip (a pipeline on the log's one key)."""
    key = lab_log(lab_id)
    with redis_client().pipeline(transaction=True) as pipeline:
        pipeline.lpush(key, json.dumps(entry, separators=(",", ":")))
        pipeline.ltrim(key, 0, KEPT_REQUESTS - 1)
        pipeline.expire(key, KEPT_SECONDS)
        pipeline.execute()
