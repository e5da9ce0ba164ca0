// Lua, kept in its own file; a TypeScript module so every bundler (Next included) ships it.
// Read it as Lua: the text between the backticks is sent to Redis as it is.
export default String.raw`
--[[
Keyway multi-window limiter: for each API key in the call, checks minute, hour, day and month and,
only if all four allow, counts the request in all four; counts it for the usage charts either way.
One call answers a batch of requests (the requests of one event-loop turn on a single Redis; one
request per call on Redis Cluster, where each key's two hashes share the hash tag {<keyId>}, so
their slot). Atomic, usually three Redis calls per request (HMGET, HSET, HINCRBY: see the fast
path below). The same key may appear twice in a batch: entries are decided in order, each seeing
what the ones before it wrote.

KEYS, two per request:  rl:{id} limits hash  m:<n> minute sub-bucket counts, h:<n> hour sub-bucket
                                             counts, ms/hs the minute and hour windows' sums of
                                             sub-buckets from mo/ho on, dp/dc UTC day number and
                                             its count, mp/mc month (year*12+month0) and its count
                        u:{id}  usage hash   "<minute>:a" allowed, "<minute>:l" rate-limited (taken
                                             by the flusher)
ARGV[1] now in ms, or "" for Redis TIME (tests move time through this seam); ARGV[2] usage TTL ms;
then six per request: limits (minute, hour, day, month), cost, and a mode: "0" to decide and count,
"1" to only look (answer as if a request came, count and write nothing: the quota view), or "2" to
write back what an instance admitted on its own while Redis was away (counted in the windows like
an allowed request of that cost; the caller passes limits it fits, and the usage charts have it
already).

Minute and hour are sliding windows over SUB sub-buckets: a request is counted against the current
sub-bucket and the SUB before it, so every true sliding window of the period is covered in full.
The limiter never admits more than the limit in any window of that length (it may refuse up to one
sub-bucket early) and there is no 2x burst at a boundary. Day and month are calendar-aligned UTC
quotas. A refused request writes nothing to the limits. The hash expires at the end of the month,
its longest window; stale sub-buckets are deleted as they are seen.

Returns twelve numbers per request, in order: {allowed, blocked window index (0 = none),
retry-after ms, now, used1, reset1, used2, reset2, used3, reset3, used4, reset4}
]]
local call, floor, ceil, tonumber = redis.call, math.floor, math.ceil, tonumber
local SUB, DAY = 12, 86400000

local now
if ARGV[1] ~= '' then
  now = tonumber(ARGV[1])
else
  local t = call('TIME')
  now = tonumber(t[1]) * 1000 + floor(tonumber(t[2]) / 1000)
end
local ttl = tonumber(ARGV[2])

-- sliding windows: index 1 minute, 2 hour
local size = { 60000 / SUB, 3600000 / SUB }
local cur = { floor(now / size[1]), floor(now / size[2]) }
local minute = floor(now / 60000)

-- calendar windows: index 3 day, 4 month (UTC civil date: H. Hinnant's algorithm)
local today = floor(now / DAY)
local z = today + 719468
local era = floor(z / 146097)
local doe = z - era * 146097
local yoe = floor((doe - floor(doe / 1460) + floor(doe / 36524) - floor(doe / 146096)) / 365)
local doy = doe - (365 * yoe + floor(yoe / 4) - floor(yoe / 100))
local mpp = floor((5 * doy + 2) / 153)
local month0 = mpp < 10 and mpp + 2 or mpp - 10
local year = yoe + era * 400 + (month0 < 2 and 1 or 0)
local days_in = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 }
if year % 4 == 0 and (year % 100 ~= 0 or year % 400 == 0) then days_in[2] = 29 end
local day_of_month = doy - floor((153 * mpp + 2) / 5) + 1
local month_id = year * 12 + month0
local day_reset, month_reset = (today + 1) * DAY, (today - day_of_month + 1 + days_in[month0 + 1]) * DAY

-- Appends one request's twelve numbers to the reply.
local function answer(out, blocked, retry, used, reset)
  local n = #out
  out[n + 1], out[n + 2], out[n + 3], out[n + 4] = blocked == 0 and 1 or 0, blocked, ceil(retry), now
  for w = 1, 4 do out[n + 3 + w * 2], out[n + 4 + w * 2] = used[w], reset[w] end
end

-- Counts a request for the usage charts: "a" allowed, "l" rate-limited.
local function count(ukey, kind)
  if call('HINCRBY', ukey, minute .. ':' .. kind, 1) == 1 then call('PEXPIRE', ukey, ttl) end
end

-- The month's end: a new hash or a new month gets it as its TTL (at least 1 s: counts are tagged
-- with their day and month, so a hash that lives a moment past its window is harmless, while a
-- 1 ms TTL set just before midnight races the next request).
local function expire(lkey, mp)
  if mp ~= month_id then call('PEXPIRE', lkey, math.max(1000, ceil(month_reset - now))) end
end

--[[
The fast path, for a request that fits and a key used within the last two sub-buckets of both
sliding windows (nearly every request of a busy key): the hash keeps each window's sum (ms, hs)
and the first sub-bucket it covers (mo, ho), so the request reads ten fields by name, subtracts
the at most two sub-buckets that have left each window since, and writes. The sums always equal
the sub-buckets from mo (ho) on; both paths keep that true. Returns false, having written nothing,
when the full path must decide: no sums yet, a key idle for longer, time before the sums' start,
or a window that would refuse (the full path also finds how long to wait).
]]
local function fast(lkey, ukey, limits, cost, tally, out)
  local mf, hf = 'm:' .. cur[1], 'h:' .. cur[2]
  local r = call('HMGET', lkey, 'ms', 'mo', 'hs', 'ho', 'dp', 'dc', 'mp', 'mc', mf, hf)
  local ms, mo, hs, ho = tonumber(r[1]), tonumber(r[2]), tonumber(r[3]), tonumber(r[4])
  if not (ms and mo and hs and ho) then return false end
  local mgone, hgone = cur[1] - SUB - mo, cur[2] - SUB - ho
  if mgone < 0 or mgone > 2 or hgone < 0 or hgone > 2 then return false end
  local mp = tonumber(r[7])
  local used = { ms, hs, tonumber(r[5]) == today and tonumber(r[6]) or 0, mp == month_id and tonumber(r[8]) or 0 }
  local gone = {}
  if mgone + hgone > 0 then
    for b = mo, mo + mgone - 1 do gone[#gone + 1] = 'm:' .. b end
    for b = ho, ho + hgone - 1 do gone[#gone + 1] = 'h:' .. b end
    local v = call('HMGET', lkey, unpack(gone))
    for i = 1, #gone do
      local w = i <= mgone and 1 or 2
      used[w] = used[w] - (tonumber(v[i]) or 0)
    end
  end
  for w = 1, 4 do
    if used[w] + cost > limits[w] then return false end
  end
  for w = 1, 4 do used[w] = used[w] + cost end
  call('HSET', lkey, mf, (tonumber(r[9]) or 0) + cost, hf, (tonumber(r[10]) or 0) + cost,
    'ms', used[1], 'mo', cur[1] - SUB, 'hs', used[2], 'ho', cur[2] - SUB,
    'dp', today, 'dc', used[3], 'mp', month_id, 'mc', used[4])
  if #gone > 0 then call('HDEL', lkey, unpack(gone)) end
  expire(lkey, mp)
  if tally then count(ukey, 'a') end
  answer(out, 0, 0, used, { (cur[1] + SUB + 1) * size[1], (cur[2] + SUB + 1) * size[2], day_reset, month_reset })
  return true
end

-- The full path: reads every field of the hash.
local function decide(lkey, ukey, limits, cost, look, tally, out)
  local used = { 0, 0, 0, 0 }
  local newest = { cur[1], cur[2] }
  local buckets = { {}, {} }
  local stale = {}
  local dp, dc, mp, mc

  local all = call('HGETALL', lkey)
  for i = 1, #all, 2 do
    local f, v = all[i], all[i + 1]
    local kind = f:sub(1, 2)
    if kind == 'm:' or kind == 'h:' then
      local w = kind == 'm:' and 1 or 2
      local b = tonumber(f:sub(3))
      if b < cur[w] - SUB then
        stale[#stale + 1] = f
      else
        local n = tonumber(v)
        used[w] = used[w] + n
        buckets[w][#buckets[w] + 1] = { b, n }
        if b > newest[w] then newest[w] = b end
      end
    elseif f == 'dp' then dp = tonumber(v)
    elseif f == 'dc' then dc = tonumber(v)
    elseif f == 'mp' then mp = tonumber(v)
    elseif f == 'mc' then mc = tonumber(v)
    end
  end

  local reset = { 0, 0, day_reset, month_reset }
  if dp == today then used[3] = dc end
  if mp == month_id then used[4] = mc end

  local blocked, retry = 0, 0
  for w = 1, 4 do
    if w <= 2 then reset[w] = (newest[w] + SUB + 1) * size[w] end
    if used[w] + cost > limits[w] then
      local r = reset[w] - now
      if w <= 2 then
        -- wait until enough old sub-buckets have left the window for this request to fit
        local list = buckets[w]
        table.sort(list, function(x, y) return x[1] < y[1] end)
        local left = used[w]
        for _, bn in ipairs(list) do
          left = left - bn[2]
          if left + cost <= limits[w] then
            r = (bn[1] + SUB + 1) * size[w] - now
            break
          end
        end
      end
      if blocked == 0 or r > retry then blocked, retry = w, r end
    end
  end

  if look then
    -- a look at the quota: nothing is written
  elseif blocked == 0 then
    local mcur, hcur = 0, 0
    for _, bn in ipairs(buckets[1]) do if bn[1] == cur[1] then mcur = bn[2] end end
    for _, bn in ipairs(buckets[2]) do if bn[1] == cur[2] then hcur = bn[2] end end
    for w = 1, 4 do used[w] = used[w] + cost end
    reset[1] = (cur[1] + SUB + 1) * size[1]
    reset[2] = (cur[2] + SUB + 1) * size[2]
    -- every sub-bucket from cur - SUB on is counted in used: the sums start there
    call('HSET', lkey, 'm:' .. cur[1], mcur + cost, 'h:' .. cur[2], hcur + cost,
      'ms', used[1], 'mo', cur[1] - SUB, 'hs', used[2], 'ho', cur[2] - SUB,
      'dp', today, 'dc', used[3], 'mp', month_id, 'mc', used[4])
    if #stale > 0 then call('HDEL', lkey, unpack(stale)) end
    expire(lkey, mp)
    if tally then count(ukey, 'a') end
  elseif tally then
    count(ukey, 'l')
  end
  answer(out, blocked, retry, used, reset)
end

local out = {}
for i = 1, #KEYS / 2 do
  local a = 2 + (i - 1) * 6
  local lkey, ukey = KEYS[i * 2 - 1], KEYS[i * 2]
  local limits = { tonumber(ARGV[a + 1]), tonumber(ARGV[a + 2]), tonumber(ARGV[a + 3]), tonumber(ARGV[a + 4]) }
  local cost, look, tally = tonumber(ARGV[a + 5]), ARGV[a + 6] == '1', ARGV[a + 6] == '0'
  if look or not fast(lkey, ukey, limits, cost, tally, out) then decide(lkey, ukey, limits, cost, look, tally, out) end
end
return out
`;
