// Lua, kept in its own file; a TypeScript module so every bundler (Next included) ships it.
// Read it as Lua: the text between the backticks is sent to Redis as it is.
export default String.raw`
--[[
Takes usage hashes out of the live key space for the flusher: each live hash is renamed to its
taken name (requests counted after this land in a fresh hash) and its fields are returned. One
call for a chunk of keys on a single Redis, one per key on a cluster.
KEYS: pairs of live name u:{id} and taken name u:{id}:f:<token>.
Returns one array per pair: the taken hash's fields and values, empty when the live hash is gone
(another flusher took it since the scan).
]]
local out = {}
for i = 1, #KEYS, 2 do
  if redis.call('EXISTS', KEYS[i]) == 1 then
    redis.call('RENAME', KEYS[i], KEYS[i + 1])
    out[#out + 1] = redis.call('HGETALL', KEYS[i + 1])
  else
    out[#out + 1] = {}
  end
end
return out
`;
