"""
The names of what the shop keeps in a session, beside Django's own
_auth_user_* fields. Private to this package: other apps ask through its
public API (session_state.api) and never name a
field.
"""

LOGIN_AT = "_login_at"  # when the user logged in (the absolute timeout counts from it)
PASSWORD_AT = "_password_at"  # when the user last typed their password (re-authentication)
SEEN_AT = "_seen_at"  # when the session was last used, at the pace of the idle refresh
PUBLIC_ID = "_public_id"  # the id that names this session in pages and URLs, never its key
CLIENT_IP = "_ip"  # the address nginx saw at login
CLIENT_AGENT = "_agent"  # "Firefox 128 on Windows", from the User-Agent at login

# An API login's (session_state.token_logins); its scripts name them too.
USER_ID = "_api_user"  # the user's id
REFRESH = "_refresh"  # the keyed hash of its current refresh token, never the token
PREVIOUS_REFRESH = "_refresh_previous"  # the keyed hash of the token it replaced
ROTATED_AT = "_rotated_at"  # when it was replaced (the reuse grace counts from it)
