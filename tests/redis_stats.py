"""
What Redis itself counts of the commands it ran, summed over every primary
of a cluster (or the one Redis), so that a test reads the same on both.
"""

from redis.cluster import RedisCluster

from ops.redis_cluster import primaries

# Sent by Redis to itself or by the test that asks, never by the shop: a
# replica's acknowledgements, the stats' own commands.
_NOT_THE_SHOPS = ("config", "info", "replconf", "ping", "cluster", "command")


def reset_command_stats(client) -> None:
    for primary in primaries(client):
        primary.config_resetstat()


def command_calls(client) -> dict[str, int]:
    """Command name -> how many times it ran since reset_command_stats, the shop's commands only."""
    calls: dict[str, int] = {}
    for primary in primaries(client):
        for name, stat in primary.info("commandstats").items():
            command = name.removeprefix("cmdstat_")
            if not command.startswith(_NOT_THE_SHOPS):
                calls[command] = calls.get(command, 0) + stat["calls"]
    return calls


def primary_holding(client, key: str):
    """A client on the primary that holds key: on a cluster, the one serving its slot; else the one Redis."""
    if isinstance(client, RedisCluster):
        return client.get_redis_connection(client.get_node_from_key(key))
    return client
