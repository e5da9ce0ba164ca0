// Lua, kept in its own file; a TypeScript module so every bundler (Next included) ships it.
// Read it as Lua: the text between the backticks is sent to Redis as it is.
export default String.raw`
--[[
Counts request outcomes for the usage charts (successful / failed, or rate-limited requests that
were refused in-process without asking Redis).
KEYS[1] usage hash u:{id}; ARGV[1] field suffix (s, f or l); ARGV[2] count; ARGV[3] usage TTL ms;
ARGV[4] now in ms or "" for Redis TIME.
]]
local now
if ARGV[4] ~= '' then
  now = tonumber(ARGV[4])
else
  local t = redis.call('TIME')
  now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
end
redis.call('HINCRBY', KEYS[1], math.floor(now / 60000) .. ':' .. ARGV[1], tonumber(ARGV[2]))
redis.call('PEXPIRE', KEYS[1], tonumber(ARGV[3]))
return now
`;
