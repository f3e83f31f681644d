"""Writes of the catalog."""

import uuid

from .models import CatalogVersion


def catalog_changed() -> None:
    """
    Say that what the catalog's pages show has changed: the version's token
    is replaced, and every worker's next catalog page, reading it, renders
    afresh instead of serving what it kept (catalog/pages.py).

    Call it after the change, in the same transaction when there is one (a
    checkout's): the change and the new token are then seen together. A
    page that read the token before it may have kept the changed rows
    under the old one, which no request asks for once the new one is
    there; never the other way round, old rows under the new token. Saving
    or deleting a Product or a Category calls it (catalog/receivers.py);
    a change made without save() (QuerySet.update(), bulk_update(), SQL)
    must call it itself, as orders.services does when it takes stock.

    The token's row stays locked until the transaction ends, so concurrent
    changes take their turns at it; a checkout changes it (only when it
    takes a product's last unit) last, just before its commit, to hold it
    as briefly as it can.
    """
    token = uuid.uuid4()
    if not CatalogVersion.objects.filter(pk=CatalogVersion.ROW).update(token=token):
        # The row is made by a migration; a flushed database has lost it.
        CatalogVersion.objects.update_or_create(pk=CatalogVersion.ROW, defaults={"token": token})
