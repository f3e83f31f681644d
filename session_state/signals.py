from django.dispatch import Signal

# Sent at login, while the session that was a visitor's is about to become
# the user's (session_state.receivers), with the visitor's tag: what the
# visitor owned, found by it, may go to the user. The cart merges the
# visitor's cart here. Arguments: request, user, visitor_tag.
visitor_logged_in = Signal()
