-- A page's session, its user's record, and the lines of the cart its id
-- names, in one round trip: for a page that shows the whole cart (the cart
-- page, its summary; cart.current). The session and the record first (for
-- the store to adopt; session_state.sessions.read_along), then the cart's
-- lines as HGETALL answers them: product id, quantity, ... (none, and no
-- record, when the session is gone).
local session, user, cart = KEYS[1], KEYS[2], KEYS[3]

local stored = redis.call('GET', session)
if not stored then
  return {false, false, {}}
end
return {stored, redis.call('GET', user), redis.call('HGETALL', cart)}
