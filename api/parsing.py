"""The API's request bodies: JSON, and only JSON."""

import json

from ninja.parser import Parser


class NotJson(ValueError):
    """A body sent with another Content-Type than application/json: 415, not a guess (api.errors)."""


class JsonParser(Parser):
    """ninja's parser, refusing a body that does not say it is JSON before reading it."""

    def parse_body(self, request):
        if request.content_type != "application/json":
            raise NotJson(request.content_type)
        return json.loads(request.body)
