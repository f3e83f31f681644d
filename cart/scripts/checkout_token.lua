-- The cart's checkout token: the one it has, or the new one given.
local token_key = KEYS[1]
local new_token, ttl = ARGV[1], ARGV[2]

local token = redis.call('GET', token_key)
if token then
  return token
end
redis.call('SET', token_key, new_token, 'EX', ttl)
return new_token
