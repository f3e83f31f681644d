"""
The suite's Redis Cluster, for the run of the suite against a cluster
(TEST_REDIS=cluster, make test-cluster): six redis-servers on free ports,
three primaries and their replicas, started and joined by the same code as
`CLUSTER=1 make up` (deploy.stack), and thrown away after the run.
"""

import os
import signal
import subprocess

from redis.cluster import ClusterNode, RedisCluster

from deploy.stack import Stack, free_cluster_port, redis_server_binary


def cluster_wanted() -> bool:
    """Whether this run of the suite is against a cluster (TEST_REDIS=cluster) or one Redis."""
    return os.environ.get("TEST_REDIS", "") == "cluster"


class SuiteCluster:
    """The cluster's nodes: started, signalled (all at once, as one Redis is), stopped."""

    def __init__(self, state_dir):
        self.stack = Stack(state_dir=state_dir, cluster=True)

    def start(self) -> None:
        self.stack.run_dir.mkdir(parents=True, exist_ok=True)
        self.stack.log_dir.mkdir(parents=True, exist_ok=True)
        try:
            for name in self.stack.redis_servers:
                self.stack.start_redis(name)
            self.stack.create_cluster()
        except BaseException:
            self.stack.stop()
            raise

    @property
    def url(self) -> str:
        return self.stack.redis_url

    @property
    def nodes(self) -> list[tuple[str, int]]:
        return [
            (host, int(port)) for host, port in (a.rsplit(":", 1) for a in self.stack.cluster_addresses())
        ]

    def send_signal(self, signum: int) -> None:
        for name in self.stack.redis_servers:
            self.stack.send_signal(name, signum)

    def replica_of_primary_holding(self, key: str) -> str:
        """The stack's name of the replica of the node that is primary for key's slot."""
        primary = self.stack.cluster_primary_of(key)
        address = f"127.0.0.1:{self.stack.port_of(primary)}"
        primary_id = self.stack.redis_cli(address, "cluster", "myid").strip()
        replica_port = next(
            int(fields[1].split("@")[0].rsplit(":", 1)[1])
            for fields in (
                line.split() for line in self.stack.redis_cli(address, "cluster", "nodes").splitlines()
            )
            if fields[3] == primary_id
        )
        return next(name for name in self.stack.redis_servers if self.stack.port_of(name) == replica_port)

    def client(self) -> RedisCluster:
        return RedisCluster(startup_nodes=[ClusterNode(h, p) for h, p in self.nodes], decode_responses=True)

    def stop(self) -> None:
        self.send_signal(signal.SIGCONT)  # should a test have ended with it stopped
        self.stack.stop()


def start_lone_cluster_node(folder):
    """
    One redis-server with cluster support and no slots: enough to ask it
    CLUSTER KEYSLOT, the cluster's own answer to which slot a key is in.
    Returns the process; its port is process.port.
    """
    port = free_cluster_port()
    process = subprocess.Popen(
        [redis_server_binary(), "--port", str(port), "--bind", "127.0.0.1", "--cluster-enabled", "yes",
         "--cluster-config-file", str(folder / "nodes.conf"), "--dir", str(folder), "--save", "", "--appendonly", "no"],
        stdout=subprocess.DEVNULL,
    )  # fmt: skip
    process.port = port
    return process
