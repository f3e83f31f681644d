-- Step 2 of a merge at login (cart.storage.merge), in the user's slot: add
-- the claimed lines to the user's cart, once per merge id: the id is
-- remembered with the user's cart, so the same merge applied again (a
-- retry, a racing login) adds nothing. Quantities add, capped; a line
-- beyond the most lines is left.
-- ARGV: the merge id, line cap, max lines, cart ttl, how long the merge is
-- remembered, then product id, units, product id, units, ...
-- Returns what was added: product id, units, ...
local cart, merged = KEYS[1], KEYS[2]
local merge_id, line_cap, max_lines, ttl, remember = ARGV[1], ARGV[2], ARGV[3], ARGV[4], ARGV[5]

if redis.call('SADD', merged, merge_id) == 0 then
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
