-- Give a session a new id (same owner tag, so the same slot): the new key
-- is created with the session's data and the old one deleted, one step.
-- A session ended meanwhile stays ended.
local old_session, new_session = KEYS[1], KEYS[2]
local data, ttl_ms = ARGV[1], ARGV[2]

if redis.call('EXISTS', old_session) == 0 then
  return ENDED
end
if not redis.call('SET', new_session, data, 'NX', 'PX', ttl_ms) then
  return TAKEN
end
redis.call('DEL', old_session)
return MOVED
