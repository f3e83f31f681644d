"""
Settings for the running stack (nginx + gunicorn + Redis), local or in Docker.

deploy/stack.py and docker-compose.yml set the environment these read.
"""

import base64
import binascii
import os

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from django.core.exceptions import ImproperlyConfigured

from .base import *


def _is_es256_key(value: str) -> bool:
    try:
        key = serialization.load_der_private_key(
            base64.urlsafe_b64decode(value + "=" * (-len(value) % 4)), None
        )
    except (binascii.Error, ValueError, TypeError):
        return False
    return isinstance(key, ec.EllipticCurvePrivateKey) and isinstance(key.curve, ec.SECP256R1)


try:
    SECRET_KEY = os.environ["DJANGO_SECRET_KEY"]
except KeyError:
    raise ImproperlyConfigured(
        "DJANGO_SECRET_KEY is not set. `make run` generates one into the "
        "stack's state folder; elsewhere, set it in the environment."
    ) from None

if not API_SIGNING_KEYS or not _is_es256_key(API_SIGNING_KEYS[0][1]):
    # The first key signs the access tokens, with ES256, and its public half
    # is published (session_state.access_tokens); an HMAC secret of the
    # release before may follow it, to verify the tokens it signed.
    raise ImproperlyConfigured(
        "API_SIGNING_KEYS is not set, or its first key is no EC P-256 private key. `make run` makes one "
        "into the stack's state folder; elsewhere, set it in the environment: <key id>:<base64url of the "
        "key's PKCS#8 DER> (docker-compose.yml shows an openssl command that makes one)."
    )
