-- A refresh token presented (session_state.token_logins): the login's
-- current one is consumed and its successor stored, in one step, so two
-- refreshes at once can never both consume it. Its fields are named as in
-- session_state/fields.py; a login stored under the former long names
-- reads the same, and is written back under the short ones (under the long
-- ones in a release that bridges a rolling deploy: ARGV[7], SESSION_STORED_NAMES).
local login, index = KEYS[1], KEYS[2]  -- the index: to delete the entry of a login past its end
local presented, successor = ARGV[1], ARGV[2]
local now, grace = tonumber(ARGV[3]), tonumber(ARGV[4])
local idle_ms, absolute = tonumber(ARGV[5]), tonumber(ARGV[6])
local write_long_names = ARGV[7] == 'long'  -- SESSION_STORED_NAMES: a release bridging a rolling deploy
local client, default_client = ARGV[8], ARGV[9]  -- who presents it; whose a login is that names none

local stored = redis.call('GET', login)
if not stored then
  return {GONE}
end
local data = cjson.decode(stored)
local FORMER_NAMES = {
  _api_user = '_au', _public_id = '_i', _login_at = '_l', _password_at = '_p', _seen_at = '_s',
  _agent = '_ua', _refresh = '_r', _refresh_previous = '_rp', _rotated_at = '_rt',
}
for former, name in pairs(FORMER_NAMES) do
  if data[former] ~= nil then
    data[name], data[former] = data[former], nil
  end
end
-- The password the login was made under (Django's session auth hash, as
-- fields.py stores it; under its long name in a release bridging a deploy):
-- the caller compares it with the user's now. False: a login made before
-- logins kept it.
local login_client = data['_c'] or default_client
local who = {
  data['_au'], data['_i'], tostring(data['_l']), data['_h'] or data['_auth_user_hash'] or false,
  login_client, tostring(data['_p']),
}

local function answer(code)
  return {code, who[1], who[2], who[3], who[4], who[5], who[6]}
end

-- RFC 6749 §6: a refresh token is bound to the client it was issued to.
-- Another client's presenting it (a token stolen into another app) changes
-- nothing: refused, neither rotated nor counted as reuse.
if client ~= login_client then
  return {OTHER_CLIENT}
end

if presented == data['_r'] then
  -- Never past the absolute lifetime, however often it is refreshed.
  local ttl_ms = math.min(idle_ms, math.floor((data['_l'] + absolute - now) * 1000))
  if ttl_ms <= 0 then
    redis.call('DEL', login)
    redis.call('HDEL', index, data['_i'])
    return {GONE}
  end
  data['_rp'] = presented
  data['_r'] = successor
  data['_rt'] = now
  -- Last seen in whole seconds, as Python writes it (as it comes under the
  -- long names, as the release before wrote it); _rt keeps its fraction:
  -- the reuse grace counts from it.
  data['_s'] = write_long_names and now or math.floor(now)
  if write_long_names then
    for former, name in pairs(FORMER_NAMES) do
      if data[name] ~= nil then
        data[former], data[name] = data[name], nil
      end
    end
  end
  redis.call('SET', login, cjson.encode(data), 'PX', ttl_ms)
  return answer(ROTATED)
end

if presented == data['_rp'] and now - data['_rt'] <= grace then
  return answer(REPEATED)
end

-- A superseded token (or a made-up secret with a real login id, which only
-- a holder of one of its tokens can know): the caller ends the login, its
-- access tokens revoked first (session_state.index.end_listed).
return answer(REUSED)
