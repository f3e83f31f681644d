-- Give a session in its user's index a new id, with its index entry, in
-- one step: a session ended meanwhile from another device must stay ended,
-- not come back under the new id.
local index, old_session, new_session = KEYS[1], KEYS[2], KEYS[3]
local public_id, old_id, new_id, data, ttl_ms = ARGV[1], ARGV[2], ARGV[3], ARGV[4], ARGV[5]

if redis.call('HGET', index, public_id) ~= old_id or redis.call('EXISTS', old_session) == 0 then
  return ENDED
end
if not redis.call('SET', new_session, data, 'NX', 'PX', ttl_ms) then
  return TAKEN
end
redis.call('DEL', old_session)
redis.call('HSET', index, public_id, new_id)
return MOVED
