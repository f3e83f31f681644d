-- Give a session a new id (same owner tag, so the same slot): the new key
-- is created with the session's data and the old one deleted, one step.
-- A visitor's session cycled twice at once (a login submitted twice) gives
-- each request an id of its own, as Django's own backends do; a listed,
-- logged-in session moves with its index entry instead (move_listed.lua),
-- and one ended meanwhile stays ended.
local old_session, new_session = KEYS[1], KEYS[2]
local data, ttl_ms = ARGV[1], ARGV[2]

if not redis.call('SET', new_session, data, 'NX', 'PX', ttl_ms) then
  return TAKEN
end
redis.call('DEL', old_session)
return MOVED
