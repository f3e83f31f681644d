-- Give back a reserved password check whose password was right: a success
-- is no failure, and must not use up anyone's count. A count that has
-- expired meanwhile is left expired.
local counts = KEYS

for _, count_key in ipairs(counts) do
  if redis.call('EXISTS', count_key) == 1 then
    redis.call('DECR', count_key)
  end
end
return 1
