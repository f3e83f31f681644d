-- Step 3 of a merge at login (cart.storage.merge), in the visitor's slot:
-- the claimed lines are in the user's cart, so drop them, if the claim is
-- still this merge's. The claim stays (until it expires), so that no other
-- user takes this visitor's cart.
local pending, claim = KEYS[1], KEYS[2]
local user_tag, merge_id = ARGV[1], ARGV[2]

if redis.call('GET', claim) == user_tag .. ' ' .. merge_id then
  redis.call('DEL', pending)
end
