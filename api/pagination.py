"""
The API's lists come in keyset pages: `limit` items at most, and an opaque
`cursor` that names where the next page begins (docs/api.md, "Pages").

A cursor is the position of a page's last item, signed (django.core.signing,
SECRET_KEY) with the name of its list, so a client can neither make one nor
change one, and one list's cursor is no other's: anything but a cursor the
API gave for that list is a 400 naming `cursor`, never a query run from a
position the client chose. It also carries a digest of the filters it was
made under: a cursor sent with other filters is refused (400), not obeyed,
because the walk it belongs to was of another list, and going on from its
position would silently skip whatever of the new list sorts before it.
"""

import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.core import signing
from ninja import Field, Schema
from ninja.errors import ValidationError

from catalog.selectors import ProductPosition
from orders.selectors import OrderPosition

from . import schemas

DEFAULT_LIMIT = 20
MAX_LIMIT = 100
# A product's position holds its name (200 characters at most, each up to
# six in JSON's \u escapes, then base64): a cursor is never longer than this.
MAX_CURSOR_LENGTH = 2048


class PageQuery(Schema):
    """The query of a list: how many items, and from where."""

    limit: schemas.TextInt = Field(
        DEFAULT_LIMIT, ge=1, le=MAX_LIMIT, description="Items on the page."
    )  # a query string's: text (schemas.TextInt)
    cursor: str | None = Field(
        None,
        max_length=MAX_CURSOR_LENGTH,
        pattern=r"^[A-Za-z0-9_:-]+$",  # what signing makes: base64url and colons
        description="The next_cursor of the page before, unchanged; none for the first page.",
    )


@dataclass(frozen=True)
class Walk:
    """One list's cursors: how its position is written in one, and read back."""

    name: str
    dump: Callable[[Any], list]
    load: Callable[[list], Any]  # TypeError or ValueError for anything but what dump wrote

    def after(self, cursor: str | None, *, filters: dict) -> Any:
        """The position `cursor` names (None: the first page), or a 400 naming `cursor`."""
        if cursor is None:
            return None
        try:
            made = _signer(self.name).unsign_object(cursor)
        except (signing.BadSignature, ValueError):  # ValueError: base64 or JSON that is no object
            raise _refused(
                "Not a cursor of this list: send a page's next_cursor unchanged, or none."
            ) from None
        if not isinstance(made, dict) or made.get("filters") != _digest(filters):
            raise _refused(
                "This cursor was made with other filters: send it with the filters of the page it came "
                "from, or start again without a cursor."
            )
        try:
            return self.load(made["after"])
        except (KeyError, TypeError, ValueError):  # signed by us, but not as this release writes it
            raise _refused(
                "Not a cursor of this list: send a page's next_cursor unchanged, or none."
            ) from None

    def cursor(self, position: Any, *, filters: dict) -> str | None:
        """The cursor of the page after `position` (None: there is none)."""
        if position is None:
            return None
        return _signer(self.name).sign_object({"after": self.dump(position), "filters": _digest(filters)})


def _signer(name: str) -> signing.Signer:
    return signing.Signer(salt=f"api.pagination.{name}")


def _digest(filters: dict) -> str:
    """A short digest of the filters (it is signed: short is enough to tell them apart)."""
    canonical = json.dumps(filters, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()[:16]


def _refused(message: str) -> ValidationError:
    """A 400 naming the cursor, in the shape of every other wrong field (api.errors)."""
    return ValidationError([{"type": "value_error", "loc": ["query", "cursor"], "msg": message}])


def _id(value) -> int:
    if type(value) is not int or value < 1:
        raise TypeError("an id")
    return value


def _text(value) -> str:
    if not isinstance(value, str):
        raise TypeError("text")
    return value


def _moment(value) -> datetime:
    moment = datetime.fromisoformat(_text(value))
    if moment.tzinfo is None:
        raise ValueError("a moment without its time zone")
    return moment


PRODUCTS = Walk(
    "products",
    dump=lambda position: [position.name, position.id],
    load=lambda after: ProductPosition(_text(after[0]), _id(after[1])),
)
ORDERS = Walk(
    "orders",
    dump=lambda position: [position.created_at.isoformat(), position.id],
    load=lambda after: OrderPosition(_moment(after[0]), _id(after[1])),
)
