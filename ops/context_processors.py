from .workers import current_worker


def served_by(request):
    """The worker that rendered the page, for the footer."""
    return {"served_by": current_worker()}
