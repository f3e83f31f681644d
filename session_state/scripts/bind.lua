-- A session that has just logged in: written under an id with its user's
-- tag, and listed in the user's index, in one step.
local session, index = KEYS[1], KEYS[2]
local data, ttl_ms, public_id, session_id, index_ttl = ARGV[1], ARGV[2], ARGV[3], ARGV[4], ARGV[5]

if not redis.call('SET', session, data, 'NX', 'PX', ttl_ms) then
  return 0
end
redis.call('HSET', index, public_id, session_id)
redis.call('EXPIRE', index, index_ttl)
return 1
