-- Drop index entries of sessions found gone: ARGV are public id, session
-- id pairs. Only entries that still name the gone id: one given a new id
-- meanwhile stays.
local index = KEYS[1]
local gone = ARGV

for i = 1, #gone, 2 do
  if redis.call('HGET', index, gone[i]) == gone[i + 1] then
    redis.call('HDEL', index, gone[i])
  end
end
return 1
