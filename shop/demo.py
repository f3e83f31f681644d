"""
The demo user, printed by the start-up banner and the README.

Kept free of Django imports: deploy/stack.py reads it before Django is set up.
"""

DEMO_USERNAME = "demo"
DEMO_PASSWORD = "demo-shopper-2026"
DEMO_EMAIL = "demo@example.com"
