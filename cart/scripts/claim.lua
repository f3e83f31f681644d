-- A visitor's cart, claimed for the user it is being merged into at login:
-- its lines, for that user only. A second user logging in at once with the
-- same visitor's cart (two accounts, two tabs) gets none; the same user
-- again (the claim outlives a failure) gets them, and merge_into.lua adds
-- them once.
local cart, claim = KEYS[1], KEYS[2]
local user_tag, ttl = ARGV[1], ARGV[2]

local claimed_by = redis.call('GET', claim)
if claimed_by and claimed_by ~= user_tag then
  return {}
end
redis.call('SET', claim, user_tag, 'EX', ttl)
return redis.call('HGETALL', cart)
