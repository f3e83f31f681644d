"""
The Idempotency-Key header (draft-ietf-httpapi-idempotency-key-header): a
client makes one key per request it may have to retry, and sends it again
with every retry. The key is bound to the request it first came with, by
the request's fingerprint; the same key with another request is a 422
(the draft's "Error Scenarios"), never that other request's effect.
"""

import hashlib
import json

from ninja import Header, Schema

PATTERN = r"^[A-Za-z0-9._:-]+$"


def header(*, required: bool, description: str):
    """The Idempotency-Key header parameter, as the schema declares it (api.v1 adds its 422)."""
    parameter = Header(
        ... if required else None,
        alias="Idempotency-Key",
        min_length=8,
        max_length=64,
        pattern=PATTERN,
        description=description,
    )
    parameter.json_schema_extra = _text_or_absent  # ninja's Header() takes no json_schema_extra of its own
    return parameter


def _text_or_absent(schema: dict) -> None:
    """
    An optional key's schema is the key's, not "the key or null": a header
    is text or is not sent (RFC 9110 §5.5), and a client that took the
    schema at its word would send "null" (a 400). That it may be left out
    is the parameter's required: false.
    """
    branches = schema.pop("anyOf", None)
    if branches is not None:
        schema.update(next(branch for branch in branches if branch.get("type") != "null"))


def fingerprint(request, body: Schema) -> str:
    """
    What makes two requests the same (the draft's "Idempotency
    Fingerprint"): the method, the path, the user and the body, as SHA-256
    hex of their canonical JSON. The body as the API read it (its schema's
    fields, validated; a field left out is its default), with sorted keys
    and no spaces: the order of a body's keys, its spacing or a field the
    API ignores make no other request; another value does.
    """
    canonical = json.dumps(
        [request.method, request.path, request.user.pk, body.model_dump(mode="json")],
        sort_keys=True,
        separators=(",", ":"),
        ensure_ascii=False,
    )
    return hashlib.sha256(canonical.encode()).hexdigest()
