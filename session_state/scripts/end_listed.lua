-- End listed sessions of one user: KEYS[1] is the index, then for each
-- session its key and the key that notes why it ended
-- (session_state.keys.session_end); ARGV[1] is that note ("" for none),
-- ARGV[2] how long it is kept (seconds), then the public id and session id
-- of each, in the same order. A session is deleted with its index entry in
-- one step, and noted only if it was still there. One whose entry names
-- another id now (it was given a new id since the index was read) is
-- answered back, for the caller to end under its new id.
local index = KEYS[1]
local note, kept = ARGV[1], tonumber(ARGV[2])

local ended, moved = 0, {}
for i = 1, (#KEYS - 1) / 2 do
  local session, noted = KEYS[2 * i], KEYS[2 * i + 1]
  local public_id, session_id = ARGV[2 * i + 1], ARGV[2 * i + 2]
  local listed = redis.call('HGET', index, public_id)
  local deleted = redis.call('DEL', session)
  ended = ended + deleted
  if deleted == 1 and note ~= '' then
    redis.call('SET', noted, note, 'EX', kept)
  end
  if listed == session_id then
    redis.call('HDEL', index, public_id)
  elseif listed then
    table.insert(moved, public_id)
  end
end
return {ended, moved}
