-- A request of a browser that opened the lab, into its log (lab/services.py).
-- The log follows the browser's sessions one after another, their ends
-- among them (a logout, a timeout, an end from another device), so that
-- the lab can tell the whole life of each. It starts again only when the
-- session the request came with is not the one the log saw last: it
-- changed out of the lab's sight (another cookie jar), and what the lab
-- shows is never another's.
local log = KEYS[1]
local entry = ARGV[1]
local fingerprint_before = ARGV[2] -- "" for none
local keep = tonumber(ARGV[3])
local ttl_seconds = tonumber(ARGV[4])

local newest = redis.call("LINDEX", log, 0)
if newest then
  local last = cjson.decode(newest)["fingerprint"]
  if last == cjson.null then
    last = ""
  end
  if last ~= fingerprint_before then
    redis.call("DEL", log)
  end
end
redis.call("LPUSH", log, entry)
redis.call("LTRIM", log, 0, keep - 1)
redis.call("EXPIRE", log, ttl_seconds)
