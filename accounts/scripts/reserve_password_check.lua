-- Reserve one password check against each of its counts (a username's, a
-- client address's), before the password is hashed: INCR is atomic, so of
-- any number of attempts arriving at once exactly as many as the limit
-- get a check. A count's window starts with its first check. When any
-- count is used up, the reservation is taken back at once and the answer
-- is the seconds until the longest-waiting count frees up; else 0.
local counts = KEYS
local window, limits = tonumber(ARGV[1]), {unpack(ARGV, 2)}

local wait = 0
for i, count_key in ipairs(counts) do
  local count = redis.call('INCR', count_key)
  if count == 1 then
    redis.call('EXPIRE', count_key, window)
  end
  if count > tonumber(limits[i]) then
    wait = math.max(wait, redis.call('TTL', count_key))
  end
end
if wait > 0 then
  for _, count_key in ipairs(counts) do
    redis.call('DECR', count_key)
  end
end
return wait
