-- API logins ended: their public ids go into the set every worker reads,
-- kept until kept_until (when the last access token issued for them
-- expires), and onto the channel every worker listens to, in one step. Entries whose
-- time has passed leave the set here, so it holds only what still matters.
local revoked = KEYS[1]
local channel, now, kept_until = ARGV[1], ARGV[2], ARGV[3]

redis.call('ZREMRANGEBYSCORE', revoked, '-inf', now)
local message = {kept_until}
for i = 4, #ARGV do
  redis.call('ZADD', revoked, kept_until, ARGV[i])
  table.insert(message, ARGV[i])
end
redis.call('EXPIRE', revoked, math.ceil(kept_until - now) + 1)
redis.call('PUBLISH', channel, table.concat(message, ' '))
return #ARGV - 3
