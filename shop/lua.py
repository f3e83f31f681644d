"""Running the Lua scripts that make a multi-step change in Redis one atomic step."""

from functools import cache

from django_redis import get_redis_connection


@cache
def _script(alias: str, source: str):
    return get_redis_connection(alias).register_script(source)


def run_script(*, alias: str, source: str, keys: list[str], args: list):
    """
    Run a Lua script on a cache alias's Redis, in one round trip: EVALSHA,
    and EVAL only the first time a Redis has not seen the script.
    """
    # The client is passed on each call, not kept with the script: tests
    # (and settings changes) may point the alias at another Redis.
    return _script(alias, source)(keys=keys, args=args, client=get_redis_connection(alias))
