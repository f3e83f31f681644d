from .data import DEMO_PASSWORD, DEMO_USERNAME


def demo_account(request):
    """The demo account, which the login page offers to anyone trying the shop."""
    return {"demo_username": DEMO_USERNAME, "demo_password": DEMO_PASSWORD}
