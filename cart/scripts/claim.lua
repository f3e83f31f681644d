-- Step 1 of a merge at login (cart.storage.merge), in the visitor's slot:
-- claim the visitor's cart for the user, once. The cart's lines move aside
-- (RENAME) under a merge id, and the claim names the user and that id;
-- the same user again (a retry after a failure, a racing login) gets the
-- same id and the same lines. Another user gets nothing: a visitor's cart
-- goes to one account. Returns {merge id, product id, units, ...}, or {}
-- for nothing to merge.
local cart, claim, pending = KEYS[1], KEYS[2], KEYS[3]
local user_tag, ttl, new_merge_id = ARGV[1], ARGV[2], ARGV[3]

local claimed = redis.call('GET', claim)
if claimed then
  local owner, merge_id = string.match(claimed, '^(%S+) (%S+)$')
  owner = owner or claimed  -- a claim of the release before: the user's tag alone
  if owner ~= user_tag then
    return {}
  end
  if redis.call('EXISTS', pending) == 1 then
    local answer = {merge_id}
    for _, value in ipairs(redis.call('HGETALL', pending)) do
      table.insert(answer, value)
    end
    return answer
  end
end
if redis.call('EXISTS', cart) == 0 then
  return {}
end
redis.call('RENAME', cart, pending)
redis.call('EXPIRE', pending, ttl)
redis.call('SET', claim, user_tag .. ' ' .. new_merge_id, 'EX', ttl)
local answer = {new_merge_id}
for _, value in ipairs(redis.call('HGETALL', pending)) do
  table.insert(answer, value)
end
return answer
