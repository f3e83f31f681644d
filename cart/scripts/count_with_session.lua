-- A page's session, its user's record, and the units in the cart its id
-- names, in one round trip: the session and the record first (for the
-- store to adopt; session_state.sessions.read_along), then the count for the
-- page's header (none, and no record, when the session is gone).
local session, user, cart = KEYS[1], KEYS[2], KEYS[3]

local stored = redis.call('GET', session)
local record = false
local units = 0
if stored then
  record = redis.call('GET', user)
  for _, quantity in ipairs(redis.call('HVALS', cart)) do
    units = units + tonumber(quantity)
  end
end
return {stored, record, units}
