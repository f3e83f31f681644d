"""
OAuth 2.0 as the shop's apps speak it, a module per standard, authlib's
server underneath (request parsing, client authentication, grant and
PKCE checks). The storage and the lifecycle of what it issues stay the
package's own: an API login is a session (session_state.token_logins),
an authorization code a key beside its user's sessions.
"""
