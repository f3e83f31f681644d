from django.conf import settings

from .workers import current_worker


def served_by(request):
    """The worker that rendered the page, for the footer; nothing where SHOW_WORKER is off."""
    return {"served_by": current_worker()} if settings.SHOW_WORKER else {}
