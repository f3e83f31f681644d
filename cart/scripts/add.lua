-- Add units to a cart's line, with the checks that must go with it: the
-- line's cap, the number of lines, and the add's deadline; once.
-- KEYS: [the session that names the cart, its user's record,] the cart,
-- the marker of this add (keys.cart_add)[, the record of its
-- Idempotency-Key (keys.idempotency_key)].
-- ARGV: product, quantity, line cap, most lines, the cart's TTL, deadline
-- [, the request's fingerprint, how long its key's record is kept (s)].
-- With a session, the add is made only while the session exists (its TTL
-- keeps to both of its timeouts), and the session and the record are the
-- first two answers, for the store to adopt (session_state.sessions.read_along).
-- The deadline is milliseconds since the epoch by the worker's clock;
-- Redis compares its own, so the clocks must agree (NTP; /healthz checks).
-- An add that ran leaves its marker until a second after its deadline: the
-- same add sent again (a resend after a broken connection) finds it and
-- answers CHANGED with the line as the add left it, adding nothing.
-- An add with an Idempotency-Key (the API's) binds the key to its
-- request's fingerprint once it has added, for as long as the record is
-- kept: the same request again (a client's retry) adds nothing and
-- answers ADDED_BEFORE with the line as it is; another request with the
-- key changes nothing and answers KEY_REUSED. The record is asked before
-- the deadline, the line's cap or the number of lines, so that a retry is
-- answered as the add was, whatever has changed since; but after the
-- marker, so that redis-py's resend of the add itself answers CHANGED.
local keyed = #KEYS % 2 == 1  -- 3 or 5 keys: the last is an Idempotency-Key's record (and ARGV has 8)
local own = keyed and 3 or 2
local session = #KEYS == own + 2 and KEYS[1] or nil
local user = #KEYS == own + 2 and KEYS[2] or nil
local cart, marker = KEYS[#KEYS - own + 1], KEYS[#KEYS - own + 2]
local product, quantity, line_cap, max_lines, ttl, deadline = ARGV[1], ARGV[2], ARGV[3], ARGV[4], ARGV[5], ARGV[6]
local idempotency = keyed and KEYS[#KEYS] or nil
local fingerprint, kept_for = ARGV[7], ARGV[8]

local stored, record = false, false
if session then
  stored = redis.call('GET', session)
  if not stored then
    return {false, false, NO_SESSION, 0}
  end
  record = redis.call('GET', user)
end
local already = redis.call('GET', marker)
if already then
  return {stored, record, CHANGED, tonumber(already)}
end
if idempotency then
  local bound = redis.call('GET', idempotency)
  if bound and bound ~= fingerprint then
    return {stored, record, KEY_REUSED, 0}
  end
  if bound then
    return {stored, record, ADDED_BEFORE, tonumber(redis.call('HGET', cart, product) or '0')}
  end
end
local now = redis.call('TIME')
local now_ms = tonumber(now[1]) * 1000 + math.floor(tonumber(now[2]) / 1000)
if now_ms > tonumber(deadline) then
  return {stored, record, TOO_LATE, 0}
end
local current = tonumber(redis.call('HGET', cart, product) or '0')
if current == 0 and redis.call('HLEN', cart) >= tonumber(max_lines) then
  return {stored, record, TOO_MANY_LINES, current}
end
local wanted = current + tonumber(quantity)
if wanted > tonumber(line_cap) then
  return {stored, record, OVER_LINE_CAP, current}
end
redis.call('HSET', cart, product, wanted)
redis.call('EXPIRE', cart, ttl)
redis.call('SET', marker, wanted, 'PX', tonumber(deadline) - now_ms + 1000)
if idempotency then
  redis.call('SET', idempotency, fingerprint, 'EX', kept_for)
end
return {stored, record, CHANGED, wanted}
