-- A page's session and the units in the cart its id names, in one round
-- trip: the session first (for the store to adopt), then the count for the
-- page's header (none when the session is gone).
local session, cart = KEYS[1], KEYS[2]

local stored = redis.call('GET', session)
local units = 0
if stored then
  for _, quantity in ipairs(redis.call('HVALS', cart)) do
    units = units + tonumber(quantity)
  end
end
return {stored, units}
