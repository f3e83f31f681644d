-- End listed sessions of one user: KEYS[2..] are their keys, ARGV the
-- public id and session id of each, in the same order. A session is
-- deleted with its index entry in one step. One whose entry names another
-- id now (it was given a new id since the index was read) is answered
-- back, for the caller to end under its new id.
local index = KEYS[1]
local ids = ARGV

local ended, moved = 0, {}
for i = 2, #KEYS do
  local public_id, session_id = ids[2 * i - 3], ids[2 * i - 2]
  local listed = redis.call('HGET', index, public_id)
  ended = ended + redis.call('DEL', KEYS[i])
  if listed == session_id then
    redis.call('HDEL', index, public_id)
  elseif listed then
    table.insert(moved, public_id)
  end
end
return {ended, moved}
