-- A request of a browser that opened the lab, into its log (lab/services.py).
-- The log follows one session of the browser: it starts again when that
-- session has ended (a logout, a timeout found), and when the session the
-- request came with is not the one the log saw last (it changed out of the
-- lab's sight): what the lab shows is never an earlier visitor's.
local log = KEYS[1]
local entry = ARGV[1]
local fingerprint_before = ARGV[2] -- "" for none
local restart = ARGV[3] == "1"
local keep = tonumber(ARGV[4])
local ttl_seconds = tonumber(ARGV[5])

if not restart then
  local newest = redis.call("LINDEX", log, 0)
  if newest then
    local last = cjson.decode(newest)["fingerprint"]
    if last == cjson.null then
      last = ""
    end
    restart = last ~= fingerprint_before
  end
end
if restart then
  redis.call("DEL", log)
end
redis.call("LPUSH", log, entry)
redis.call("LTRIM", log, 0, keep - 1)
redis.call("EXPIRE", log, ttl_seconds)
