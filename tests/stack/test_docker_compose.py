"""docker-compose.yml runs the same stack from the same files (no Docker engine here to run it)."""

import re
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[2]
COMPOSE = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
SERVICES = COMPOSE["services"]


def test_compose_runs_nginx_web_and_redis():
    assert {"nginx", "web", "redis"} <= set(SERVICES)


def test_the_web_service_runs_gunicorn_with_the_local_stacks_configuration_and_four_workers():
    web = SERVICES["web"]

    assert web["command"][:3] == ["gunicorn", "--config", "deploy/gunicorn.conf.py"]
    assert web["environment"]["WORKERS"] == "4"
    assert web["environment"]["DJANGO_SETTINGS_MODULE"] == "shop.settings.production"


def test_nginx_uses_the_local_stacks_site_template():
    mounts = [volume.split(":")[0] for volume in SERVICES["nginx"]["volumes"]]

    assert "./deploy/nginx/shop.conf.template" in mounts
    assert (ROOT / "deploy/nginx/shop.conf.template").exists()


def test_nginx_fills_in_every_variable_the_site_template_names():
    template = (ROOT / "deploy/nginx/shop.conf.template").read_text()
    named = set(re.findall(r"\$\{(\w+)\}", template))

    assert named <= set(SERVICES["nginx"]["environment"])


def test_redis_keeps_an_append_only_file_has_a_password_and_is_not_published():
    redis = SERVICES["redis"]

    assert "--requirepass" in redis["command"]
    assert redis["command"][redis["command"].index("--appendonly") + 1] == "yes"
    assert "ports" not in redis


def test_secrets_come_from_the_environment_not_the_file():
    web_env = SERVICES["web"]["environment"]

    assert web_env["DJANGO_SECRET_KEY"].startswith("${DJANGO_SECRET_KEY")
    assert "${REDIS_PASSWORD" in web_env["REDIS_URL"]
