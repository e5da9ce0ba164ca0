// Lua, kept in its own file; a TypeScript module so every bundler (Next included) ships it.
// Read it as Lua: the text between the backticks is sent to Redis as it is.
export default String.raw`
--[[
Counts request outcomes for the usage charts (successful / failed, rate-limited requests that
were refused in-process without asking Redis, and requests the local fallback decided while Redis
was away), a batch at a time: on a single Redis one call for
many keys, on Redis Cluster one call per key.
KEYS: usage hashes u:{id} (one may appear more than once); ARGV[1] now in ms or "" for Redis TIME;
ARGV[2] usage TTL ms; then two per key: field suffix (a, s, f or l) and count.
]]
local now
if ARGV[1] ~= '' then
  now = tonumber(ARGV[1])
else
  local t = redis.call('TIME')
  now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
end
local minute, ttl = math.floor(now / 60000) .. ':', tonumber(ARGV[2])
for i = 1, #KEYS do
  local n = tonumber(ARGV[2 + i * 2])
  -- a TTL when the field is new (so always when the hash is), not on every count
  if redis.call('HINCRBY', KEYS[i], minute .. ARGV[1 + i * 2], n) == n then redis.call('PEXPIRE', KEYS[i], ttl) end
end
return now
`;
