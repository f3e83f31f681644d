-- Set a line's quantity, with the line's cap and the number of lines.
local cart = KEYS[1]
local product, quantity, line_cap, max_lines, ttl = ARGV[1], ARGV[2], ARGV[3], ARGV[4], ARGV[5]

local current = tonumber(redis.call('HGET', cart, product) or '0')
if current == 0 and redis.call('HLEN', cart) >= tonumber(max_lines) then
  return {TOO_MANY_LINES, current}
end
if tonumber(quantity) > tonumber(line_cap) then
  return {OVER_LINE_CAP, current}
end
redis.call('HSET', cart, product, quantity)
redis.call('EXPIRE', cart, ttl)
return {CHANGED, tonumber(quantity)}
