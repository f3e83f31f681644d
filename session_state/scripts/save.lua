-- Write a session: create it (NX) or update it (XX), never both; one whose
-- time is up already (an expiry in the past) is deleted instead, as Redis
-- would have expired it.
-- XX is what keeps a session ended elsewhere (a logout in another tab, "end
-- this session" from another device) from being written back to life.
-- What the session names that lives exactly as long as it (an anonymous
-- visitor's cart) gets the same TTL in the same step.
local session = KEYS[1]
local data, ttl_ms, mode = ARGV[1], ARGV[2], ARGV[3]

if tonumber(ttl_ms) <= 0 then
  redis.call('DEL', session)
  return 1
end
if not redis.call('SET', session, data, mode, 'PX', ttl_ms) then
  return 0
end
for i = 2, #KEYS do
  redis.call('PEXPIRE', KEYS[i], ttl_ms)
end
return 1
