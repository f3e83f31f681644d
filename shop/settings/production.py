"""
Settings for the running stack (nginx + gunicorn + Redis), local or in Docker.

deploy/stack.py and docker-compose.yml set the environment these read.
"""

import os

from django.core.exceptions import ImproperlyConfigured

from .base import *

try:
    SECRET_KEY = os.environ["DJANGO_SECRET_KEY"]
except KeyError:
    raise ImproperlyConfigured(
        "DJANGO_SECRET_KEY is not set. `make run` generates one into the "
        "stack's state folder; elsewhere, set it in the environment."
    ) from None

if not API_SIGNING_KEYS:
    raise ImproperlyConfigured(
        "API_SIGNING_KEYS is not set. `make run` generates one into the stack's "
        "state folder; elsewhere, set it in the environment (<key id>:<secret>)."
    )
