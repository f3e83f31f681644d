from django.apps import AppConfig


class DemoConfig(AppConfig):
    """The demo shop's data: its catalog and its demo user (`manage.py seed_demo`, which `make run` calls)."""

    name = "demo"
