-- Count one attempt (a password check, a password reset, a registration)
-- against each of its counts (for a password check: the username's and the
-- client address's) in one step, before the work it limits is done (the
-- password hashed): INCR is atomic, so of any number of attempts arriving
-- at once exactly as many as the limit go through. A count's window starts
-- with its first attempt. When any count is used up, the attempt is taken
-- back from all at once and the answer is the seconds until the
-- longest-waiting count frees up; else 0.
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
