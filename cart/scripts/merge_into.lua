-- Add a visitor's cart lines (read from their cart before) into a user's
-- cart at login, once: the visitor's tag is remembered with the user's
-- cart, so a second login racing with the same visitor's cart adds
-- nothing. Quantities add, capped; a line beyond the most lines is left.
-- ARGV: the visitor's tag, line cap, max lines, cart ttl, how long the
-- merge is remembered, then product id, units, product id, units, ...
-- Returns what was added: product id, units, ...
local cart, merged = KEYS[1], KEYS[2]
local visitor, line_cap, max_lines, ttl, remember = ARGV[1], ARGV[2], ARGV[3], ARGV[4], ARGV[5]

if redis.call('SADD', merged, visitor) == 0 then
  return {}
end
redis.call('EXPIRE', merged, remember)
local added = {}
for i = 6, #ARGV, 2 do
  local product, units = ARGV[i], tonumber(ARGV[i + 1])
  local current = tonumber(redis.call('HGET', cart, product) or '0')
  if current > 0 or redis.call('HLEN', cart) < tonumber(max_lines) then
    local total = math.min(current + units, tonumber(line_cap))
    if total > current then
      redis.call('HSET', cart, product, total)
      table.insert(added, product)
      table.insert(added, total - current)
    end
  end
end
if #added > 0 then
  redis.call('EXPIRE', cart, ttl)
end
return added
