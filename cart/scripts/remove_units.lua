-- Take units out of a cart (a line left with none goes): an add taken
-- back, or what an order consumed. KEYS: the cart[, its checkout token,
-- retired with the order]. ARGV: product id, units, product id, units, ...
-- Takes away what was ordered, not the whole cart: a line added in another
-- tab while the order was being placed stays.
local cart, token_key = KEYS[1], KEYS[2]
local units = ARGV

for i = 1, #units, 2 do
  if redis.call('HINCRBY', cart, units[i], -tonumber(units[i + 1])) <= 0 then
    redis.call('HDEL', cart, units[i])
  end
end
if token_key then
  redis.call('DEL', token_key)
end
return 1
