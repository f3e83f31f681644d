"""
Lua scripts in .lua files, loaded once, run in one round trip.

Each script lives next to the Python that runs it and starts by naming its
KEYS and ARGV in locals. Every key it touches is one of its KEYS (Redis
Cluster routes a script by them, and refuses one whose keys are in
different slots). Where a script answers with a code, the codes are an
IntEnum in Python, written into the script as Lua locals ahead of its
source, so both sides use one definition.
"""

import hashlib
from enum import IntEnum
from pathlib import Path

from redis.exceptions import NoScriptError

from ops.redis_commands import name_script


class LuaScript:
    """A script from a .lua file: LuaScript(__file__, "add.lua", codes=AddAnswer)."""

    def __init__(self, beside: str, filename: str, *, codes: type[IntEnum] | None = None):
        source = (Path(beside).resolve().parent / "scripts" / filename).read_text()
        if codes is not None:
            header = "".join(f"local {code.name} = {code.value}\n" for code in codes)
            source = header + source
        self.name = filename
        self.source = source
        # The script's SHA1 does not depend on the client: one object serves
        # every connection.
        self.sha = hashlib.sha1(source.encode()).hexdigest()
        name_script(sha=self.sha, name=filename)

    def __call__(self, *, client, keys: list[str], args: list):
        # EVALSHA, as redis-py's Script sends it but without its wrappers
        # (a page's one round trip is a script: bench/results/profiles.md),
        # and EVAL once for a Redis that has not seen the script yet (after
        # a restart or a failover), which runs it and keeps it for the next
        # EVALSHA. On a cluster, the keys route it to their slot's primary.
        try:
            return client.execute_command("EVALSHA", self.sha, len(keys), *keys, *args)
        except NoScriptError:
            return client.execute_command("EVAL", self.source, len(keys), *keys, *args)

    def __repr__(self):
        return f"<LuaScript {self.name}>"
