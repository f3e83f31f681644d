-- Drop index entries of sessions found gone: ARGV are public id, session
-- id pairs. Only entries that still name the gone id: one given a new id
-- meanwhile stays.
local index = KEYS[1]

for i = 1, #ARGV, 2 do
  if redis.call('HGET', index, ARGV[i]) == ARGV[i + 1] then
    redis.call('HDEL', index, ARGV[i])
  end
end
return 1
