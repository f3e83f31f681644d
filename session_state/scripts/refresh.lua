-- A refresh token presented (session_state.token_logins): the login's
-- current one is consumed and its successor stored, in one step, so two
-- refreshes at once can never both consume it. Its fields are named as in
-- session_state/fields.py.
local login, index = KEYS[1], KEYS[2]  -- the index: to delete the entry of a login past its end
local presented, successor = ARGV[1], ARGV[2]
local now, grace = tonumber(ARGV[3]), tonumber(ARGV[4])
local idle_ms, absolute = tonumber(ARGV[5]), tonumber(ARGV[6])

local stored = redis.call('GET', login)
if not stored then
  return {GONE}
end
local data = cjson.decode(stored)
local who = {data['_api_user'], data['_public_id'], tostring(data['_login_at'])}

local function answer(code)
  return {code, who[1], who[2], who[3]}
end

if presented == data['_refresh'] then
  -- Never past the absolute lifetime, however often it is refreshed.
  local ttl_ms = math.min(idle_ms, math.floor((data['_login_at'] + absolute - now) * 1000))
  if ttl_ms <= 0 then
    redis.call('DEL', login)
    redis.call('HDEL', index, data['_public_id'])
    return {GONE}
  end
  data['_refresh_previous'] = presented
  data['_refresh'] = successor
  data['_rotated_at'] = now
  data['_seen_at'] = now
  redis.call('SET', login, cjson.encode(data), 'PX', ttl_ms)
  return answer(ROTATED)
end

if presented == data['_refresh_previous'] and now - data['_rotated_at'] <= grace then
  return answer(REPEATED)
end

-- A superseded token (or a made-up secret with a real login id, which only
-- a holder of one of its tokens can know): the caller ends the login, its
-- access tokens revoked first (session_state.index.end_listed).
return answer(REUSED)
