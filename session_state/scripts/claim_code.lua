-- An authorization code presented at the token endpoint, its client,
-- redirect URI and verifier already checked (session_state.oauth):
-- claimed for the login about to be made from it, in one step, so that
-- two presentations at once can never both make one. A code claimed
-- before is a replay: its login is named for the caller to end
-- (RFC 6749 section 4.1.2), and the code stays refused.
local code = KEYS[1]
local login, kept_ms = ARGV[1], ARGV[2]  -- the public id the new login will have; how long a used code is kept

local stored = redis.call('GET', code)
if not stored then
  return {GONE}
end
local data = cjson.decode(stored)
if data['used'] ~= '' then
  return {USED, data['used']}
end
data['used'] = login
-- Kept past its 60 s, so that a replay a while later still ends the login.
redis.call('SET', code, cjson.encode(data), 'PX', kept_ms)
return {CLAIMED}
