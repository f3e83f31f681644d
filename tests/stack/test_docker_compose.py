"""docker-compose.yml runs the same stack from the same files (no Docker engine here to run it)."""

import re
from pathlib import Path

import pytest
import yaml

from deploy.stack import CLUSTER_NODE_TIMEOUT_MS

ROOT = Path(__file__).resolve().parents[2]
COMPOSE = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
SERVICES = COMPOSE["services"]


def test_compose_runs_nginx_two_web_servers_redis_and_postgresql():
    assert {"nginx", "web-1", "web-2", "redis", "postgres"} <= set(SERVICES)


@pytest.mark.parametrize("web", ["web-1", "web-2"])
def test_each_web_service_runs_gunicorn_with_the_local_stacks_configuration_and_four_workers(web):
    service = SERVICES[web]

    assert service["command"][:3] == ["gunicorn", "--config", "deploy/gunicorn.conf.py"]
    assert service["environment"]["WORKERS"] == "4"
    assert service["environment"]["DJANGO_SETTINGS_MODULE"] == "shop.settings.production"
    assert service["depends_on"]["setup"] == {"condition": "service_completed_successfully"}
    assert "healthcheck" in service


def test_nginx_spreads_requests_over_both_web_servers():
    assert SERVICES["nginx"]["environment"]["APP_SERVERS"] == "server web-1:8000; server web-2:8000;"


def test_the_set_up_is_the_local_stacks_own():
    assert SERVICES["setup"]["command"] == ["python", "-m", "deploy.stack", "prepare"]


def test_the_app_reads_the_variables_the_local_stack_and_settings_read():
    settings_text = "".join(
        (ROOT / "shop/settings" / name).read_text() for name in ("base.py", "production.py")
    )
    stack_text = (ROOT / "deploy/stack.py").read_text()
    app_env = SERVICES["web-1"]["environment"]

    for variable in app_env:
        assert variable in settings_text or variable in stack_text, variable


def test_the_ha_profile_adds_a_replica_and_three_sentinels():
    ha = {name for name, service in SERVICES.items() if "ha" in service.get("profiles", [])}

    assert ha == {"redis-replica", "sentinel-1", "sentinel-2", "sentinel-3"}
    assert "--replicaof" in SERVICES["redis-replica"]["command"]


def test_services_start_in_order_once_what_they_need_is_healthy():
    assert SERVICES["web-1"]["depends_on"]["redis"] == {"condition": "service_healthy"}
    assert SERVICES["web-1"]["depends_on"]["postgres"] == {"condition": "service_healthy"}
    assert all("healthcheck" in SERVICES[name] for name in ("redis", "postgres", "web-1", "web-2"))


def test_nginx_uses_the_local_stacks_site_template():
    mounts = [volume.split(":")[0] for volume in SERVICES["nginx"]["volumes"]]

    assert "./deploy/nginx/shop.conf.template" in mounts
    assert (ROOT / "deploy/nginx/shop.conf.template").exists()


def test_nginx_runs_a_main_configuration_with_the_local_stacks_room_for_connections():
    mounts = dict(volume.rsplit(":", 2)[:2] for volume in SERVICES["nginx"]["volumes"])
    docker = (ROOT / "deploy/nginx/docker-nginx.conf").read_text()
    local = (ROOT / "deploy/nginx/nginx.conf.template").read_text()
    room = r"^\s*(worker_connections|worker_rlimit_nofile) (\d+);"

    assert mounts["./deploy/nginx/docker-nginx.conf"] == "/etc/nginx/nginx.conf"
    assert len(re.findall(room, local, re.MULTILINE)) == 2
    assert re.findall(room, docker, re.MULTILINE) == re.findall(room, local, re.MULTILINE)
    assert "include /etc/nginx/conf.d/*.conf;" in docker  # where the image renders the site


def test_nginx_fills_in_every_variable_the_site_template_names():
    template = (ROOT / "deploy/nginx/shop.conf.template").read_text()
    named = set(re.findall(r"\$\{(\w+)\}", template))

    assert named <= set(SERVICES["nginx"]["environment"])


def test_redis_keeps_an_append_only_file_has_a_password_never_evicts_and_is_not_published():
    redis = SERVICES["redis"]

    assert "--requirepass" in redis["command"]
    assert redis["command"][redis["command"].index("--appendonly") + 1] == "yes"
    assert redis["command"][redis["command"].index("--maxmemory-policy") + 1] == "noeviction"
    assert "ports" not in redis


def test_secrets_come_from_the_environment_not_the_file():
    web_env = SERVICES["web-1"]["environment"]

    assert web_env["DJANGO_SECRET_KEY"].startswith("${DJANGO_SECRET_KEY")
    assert "${REDIS_PASSWORD" in web_env["REDIS_URL"]


def test_the_cluster_profile_adds_six_cluster_nodes_as_the_local_stack_starts_them_and_joins_them():
    cluster = {name for name, service in SERVICES.items() if "cluster" in service.get("profiles", [])}
    node = SERVICES["cluster-1"]["command"]

    assert cluster == {f"cluster-{n}" for n in range(1, 7)} | {"cluster-create"}
    assert node[node.index("--cluster-enabled") + 1] == "yes"
    assert node[node.index("--cluster-node-timeout") + 1] == str(CLUSTER_NODE_TIMEOUT_MS)
    assert node[node.index("--cluster-require-full-coverage") + 1] == "no"
    assert node[node.index("--maxmemory-policy") + 1] == "noeviction"
    assert "--cluster-replicas 1" in SERVICES["cluster-create"]["command"][-1]
    assert SERVICES["setup"]["depends_on"]["cluster-create"]["required"] is False
