--[[
Keyway multi-window limiter: checks minute, hour, day and month for one API key and, only if all
four allow, counts the request in all four. Also counts the request for the usage charts.
One round trip, atomic. Every key shares the hash tag {<keyId>}, so this runs on Redis Cluster.

KEYS[1] minute hash   rl:{id}:m   sub-bucket number -> count
KEYS[2] hour hash     rl:{id}:h   sub-bucket number -> count
KEYS[3] day hash      rl:{id}:d   p = UTC day number,   c = count
KEYS[4] month hash    rl:{id}:M   p = year*12+month0,   c = count
KEYS[5] usage hash    u:{id}      "<minute>:a" allowed, "<minute>:l" rate-limited, "lu" last use (ms)
ARGV[1..4] limits (minute, hour, day, month); ARGV[5] cost;
ARGV[6] now in ms, or "" for Redis TIME (tests move time through this seam); ARGV[7] usage TTL ms

Minute and hour are sliding windows over SUB sub-buckets. A request is counted against the current
sub-bucket and the SUB before it, so any true sliding window of the period is covered in full:
the limiter never admits more than the limit in any window of that length (it may refuse up to one
sub-bucket early), and there is no 2x burst at a boundary. Day and month are calendar-aligned UTC
quotas. A refused request writes nothing to the limits.

Returns {allowed, blocked window index (0 = none), retry-after ms, now,
         used1, reset1, used2, reset2, used3, reset3, used4, reset4}
]]
local SUB = 12
local DAY = 86400000

local now
if ARGV[6] ~= '' then
  now = tonumber(ARGV[6])
else
  local t = redis.call('TIME')
  now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
end
local cost = tonumber(ARGV[5])

local function sliding(key, period, limit)
  local size = period / SUB
  local cur = math.floor(now / size)
  local oldest = cur - SUB
  local all = redis.call('HGETALL', key)
  local used, newest = 0, nil
  local buckets, stale = {}, {}
  for i = 1, #all, 2 do
    local b, n = tonumber(all[i]), tonumber(all[i + 1])
    if b < oldest then
      stale[#stale + 1] = all[i]
    else
      used = used + n
      buckets[#buckets + 1] = { b, n }
      if newest == nil or b > newest then newest = b end
    end
  end
  local w = { key = key, limit = limit, used = used, size = size, cur = cur, stale = stale }
  w.reset = ((newest or cur) + SUB + 1) * size
  if used + cost > limit then
    -- wait until enough old sub-buckets have left the window for this request to fit
    table.sort(buckets, function(x, y) return x[1] < y[1] end)
    local left = used
    w.retry = -1
    for _, bn in ipairs(buckets) do
      left = left - bn[2]
      if left + cost <= limit then
        w.retry = (bn[1] + SUB + 1) * size - now
        break
      end
    end
  end
  return w
end

-- civil date from days since 1970-01-01 (H. Hinnant's algorithm), UTC
local function civil(days)
  local z = days + 719468
  local era = math.floor(z / 146097)
  local doe = z - era * 146097
  local yoe = math.floor((doe - math.floor(doe / 1460) + math.floor(doe / 36524) - math.floor(doe / 146096)) / 365)
  local doy = doe - (365 * yoe + math.floor(yoe / 4) - math.floor(yoe / 100))
  local mp = math.floor((5 * doy + 2) / 153)
  local m = mp < 10 and mp + 3 or mp - 9
  local y = yoe + era * 400
  if m <= 2 then y = y + 1 end
  return y, m
end

local function days_from_civil(y, m)
  if m <= 2 then y = y - 1 end
  local era = math.floor(y / 400)
  local yoe = y - era * 400
  local mp = m > 2 and m - 3 or m + 9
  local doy = math.floor((153 * mp + 2) / 5)
  local doe = yoe * 365 + math.floor(yoe / 4) - math.floor(yoe / 100) + doy
  return era * 146097 + doe - 719468
end

local function calendar(key, period, reset, limit)
  local v = redis.call('HMGET', key, 'p', 'c')
  local used = 0
  if v[1] and tonumber(v[1]) == period then used = tonumber(v[2]) end
  local w = { key = key, limit = limit, used = used, period = period, reset = reset }
  if used + cost > limit then w.retry = reset - now end
  return w
end

local today = math.floor(now / DAY)
local y, m = civil(today)
local ny, nm = y, m + 1
if nm > 12 then ny, nm = y + 1, 1 end

local windows = {
  sliding(KEYS[1], 60000, tonumber(ARGV[1])),
  sliding(KEYS[2], 3600000, tonumber(ARGV[2])),
  calendar(KEYS[3], today, (today + 1) * DAY, tonumber(ARGV[3])),
  calendar(KEYS[4], y * 12 + m - 1, days_from_civil(ny, nm) * DAY, tonumber(ARGV[4])),
}

local blocked, retry = 0, 0
for i = 1, 4 do
  local r = windows[i].retry
  if r ~= nil then
    if r < 0 then r = windows[i].reset - now end
    if blocked == 0 or r > retry then blocked, retry = i, r end
  end
end

local minute = math.floor(now / 60000)
local usage = KEYS[5]
if blocked == 0 then
  for i = 1, 2 do
    local w = windows[i]
    redis.call('HINCRBY', w.key, w.cur, cost)
    if #w.stale > 0 then redis.call('HDEL', w.key, unpack(w.stale)) end
    w.used = w.used + cost
    w.reset = (w.cur + SUB + 1) * w.size
    redis.call('PEXPIRE', w.key, math.ceil(w.reset - now))
  end
  for i = 3, 4 do
    local w = windows[i]
    w.used = w.used + cost
    redis.call('HSET', w.key, 'p', w.period, 'c', w.used)
    redis.call('PEXPIRE', w.key, math.ceil(w.reset - now))
  end
  redis.call('HINCRBY', usage, minute .. ':a', 1)
else
  redis.call('HINCRBY', usage, minute .. ':l', 1)
end
redis.call('HSET', usage, 'lu', now)
redis.call('PEXPIRE', usage, tonumber(ARGV[7]))

return { blocked == 0 and 1 or 0, blocked, math.ceil(retry), now,
  windows[1].used, windows[1].reset, windows[2].used, windows[2].reset,
  windows[3].used, windows[3].reset, windows[4].used, windows[4].reset }
