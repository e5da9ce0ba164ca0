// Lua, kept in its own file; a TypeScript module so every bundler (Next included) ships it.
// Read it as Lua: the text between the backticks is sent to Redis as it is.
export default String.raw`
--[[
Keyway multi-window, multi-scope limiter. Each request of the call is counted against one or two
scopes: an API key's own limits, its workspace's plan (shared by all of the workspace's keys), or
both. For every scope it checks minute, hour, day and month and, only if every window of every
scope allows, counts the request in all of them; a refused request writes nothing to any scope.
It counts the request for the usage charts either way.

One call answers a batch of requests (the requests of one event-loop turn on a single Redis; one
request per call on Redis Cluster, where a request's Redis keys share one hash tag, the workspace
id, so their slot). Atomic; per request and scope a GET and a SET of its packed state, one
HINCRBY of the key's usage count, and an RPUSH (and now and then an LTRIM) of its recent decisions. The same key or workspace may appear twice in a batch: entries
are decided in order, each seeing what the ones before it wrote.

KEYS, per request: one state key per scope, then the key's usage hash, then its list of recent
verifications, then one balance per credit pool.
  state  one string of 34 doubles (struct.pack): for the minute, then the hour, the newest
         sub-bucket number, the sum of the window's counts, and a ring of 13 sub-bucket counts
         (slot = sub-bucket number mod 13); then the UTC day number and its count, the month
         (year*12+month0) and its count
  usage  hash: "<minute>:a" allowed, "<minute>:l" rate-limited (taken by the flusher)
  recent list, oldest first, of the last ARGV[3] decisions: "<now>|<refusing scope>|<refusing
         window>|<note>" (0|0 when allowed; the note is the caller's: the scopes' kinds and the
         client address, recent.ts reads it; "|USAGE_EXCEEDED" follows when credits refused)
  credit "<remaining>:<refill period>:<version>:<seq>": a key's or a workspace's credit balance,
         the period (UTC day number, or year*12+month0) it was last refilled in, the version of
         the stored balance it started from, and how many times it changed (credits.ts reads it)
ARGV[1] now in ms, or "" for Redis TIME (tests move time through this seam); ARGV[2] usage TTL ms;
ARGV[3] how many recent decisions a key keeps (0: none are written; nor are they for a request
without a note, such as a sign-in throttle's);
then per request: the number of scopes n, n times four limits (minute, hour, day, month), the
cost (0: decide as for 1, count nothing in the windows), a note, and a mode: "0" to decide and count, "1" to only look (answer as if a request came, count
and write nothing: the quota view), or "2" to write back what an instance admitted on its own
while Redis was away (counted in the windows like an allowed request of that cost; the caller
passes limits it fits, and the usage charts have it already); then the number of credit pools m
and, per pool: the stored balance's version, the refill amount (0: none), the refill interval (0
none, 1 daily, 2 monthly) and the stored balance "<remaining>:<period>:<version>:<seq>" or "" when
the caller has not read it. A pool whose Redis balance is missing (Redis restarted empty, a new
balance) or older than the version needs that stored balance: without it the request is neither
decided nor counted, and its record says so (the caller reads the balance and asks again).
Credits are checked first (a request they refuse is "USAGE_EXCEEDED", not rate-limited), then
the windows; an admitted request takes its cost from every pool, never below zero.

Minute and hour are sliding windows over SUB sub-buckets: a request is counted against the current
sub-bucket and the SUB before it, so every true sliding window of the period is covered in full.
The limiter never admits more than the limit in any window of that length (it may refuse up to one
sub-bucket early) and there is no 2x burst at a boundary. Day and month are calendar-aligned UTC
quotas. A state expires at the end of the month, its longest window.

Returns one string, numbers joined by ",": now, the day's reset, the month's reset, then per
request: the refusing scope's number (0 = allowed, else 1..n), the refusing window's (1..4),
retry-after ms, the credits' answer (0 enough, j: pool j refused, -1: a stored balance is
needed), then six per scope: used1, used2, used3, used4, reset1, reset2 (the calendar windows'
resets are the day's and the month's), then per pool its remaining balance. limit-reply.ts names these positions and the modes
for the TypeScript side; change both together.
]]
local call, floor, ceil, tonumber = redis.call, math.floor, math.ceil, tonumber
local pack, unpack_state = struct.pack, struct.unpack
local SUB, DAY = 12, 86400000
local SLOTS = SUB + 1
local FMT = '<' .. string.rep('d', 34)
-- where each sliding window's part of the state begins (its newest sub-bucket; sum at +1, ring
-- at +2 .. +14), and the calendar windows' fields
local HEAD = { 1, 16 }
local DP, DC, MP, MC = 31, 32, 33, 34

local now
if ARGV[1] ~= '' then
  now = tonumber(ARGV[1])
else
  local t = call('TIME')
  now = tonumber(t[1]) * 1000 + floor(tonumber(t[2]) / 1000)
end
local ttl = tonumber(ARGV[2])
local keep = tonumber(ARGV[3])

-- sliding windows: index 1 minute, 2 hour
local size = { 60000 / SUB, 3600000 / SUB }
local cur = { floor(now / size[1]), floor(now / size[2]) }
local minute = floor(now / 60000)
local allowed_field, limited_field = minute .. ':a', minute .. ':l'

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

local function blank()
  local s = {}
  for i = 1, 34 do s[i] = 0 end
  return s
end

-- The key's state with both sliding windows moved on to the current sub-bucket: each sub-bucket
-- that has left the window leaves the sum and its slot is emptied for reuse.
local function load(lkey)
  -- (anything but a string there, e.g. a state from a long-gone format, starts afresh)
  local v = redis.pcall('GET', lkey)
  local s = type(v) == 'string' and { unpack_state(FMT, v) } or blank()
  for w = 1, 2 do
    local h, c = HEAD[w], cur[w]
    local head = s[h]
    if c > head then
      if c - head >= SLOTS then
        for i = h + 1, h + 1 + SLOTS do s[i] = 0 end
      else
        for b = head + 1, c do
          local slot = h + 2 + b % SLOTS
          s[h + 1], s[slot] = s[h + 1] - s[slot], 0
        end
      end
      s[h] = c
    end
  end
  return s
end

local out = { now, day_reset, month_reset }

-- One scope's state, what it has used, and whether (and how long) a request of this cost must wait.
local function check(lkey, limits, cost)
  local s = load(lkey)
  local used = { s[HEAD[1] + 1], s[HEAD[2] + 1], s[DP] == today and s[DC] or 0, s[MP] == month_id and s[MC] or 0 }
  local blocked, retry = 0, 0
  for w = 1, 4 do
    if used[w] + cost > limits[w] then
      local r
      if w <= 2 then
        -- wait until enough old sub-buckets have left the window for this request to fit (or,
        -- for a cost above the limit, until all have)
        local h = HEAD[w]
        local head, left = s[h], used[w]
        r = (head + SLOTS) * size[w] - now
        for b = head - SUB, head do
          left = left - s[h + 2 + b % SLOTS]
          if left + cost <= limits[w] then
            r = (b + SLOTS) * size[w] - now
            break
          end
        end
      else
        r = (w == 3 and day_reset or month_reset) - now
      end
      if blocked == 0 or r > retry then blocked, retry = w, r end
    end
  end
  return s, used, blocked, retry
end

-- Counts an admitted request in one scope's state and writes it.
local function count(lkey, s, used, cost)
  for w = 1, 2 do
    local h = HEAD[w]
    local slot = h + 2 + s[h] % SLOTS
    s[slot], s[h + 1] = s[slot] + cost, s[h + 1] + cost
  end
  for w = 1, 4 do used[w] = used[w] + cost end
  local mp = s[MP]
  s[DP], s[DC], s[MP], s[MC] = today, used[3], month_id, used[4]
  local state = pack(FMT, unpack(s, 1, 34))
  -- a new state or a new month gets the month's end as its TTL (at least 1 s: counts are tagged
  -- with their day and month, so a state that lives a moment past its window is harmless, while
  -- a 1 ms TTL set just before midnight races the next request)
  if mp ~= month_id then call('SET', lkey, state, 'PX', math.max(1000, ceil(month_reset - now)))
  else call('SET', lkey, state, 'KEEPTTL') end
end

-- A credit balance: from Redis, or (missing, or older than the stored version) the stored one
-- given by the caller; nil when that is needed and was not given. Refilled if a period began.
local BALANCE = '^(-?%d+):(%d+):(%d+):(%d+)$'
local CREDIT_TTL = 35 * DAY
local function balance(ckey, version, amount, interval, stored)
  local r, p, v, q
  local text = call('GET', ckey)
  if text then r, p, v, q = string.match(text, BALANCE) end
  if not r or tonumber(v) < version then
    if stored == '' then return nil end
    r, p, v, q = string.match(stored, BALANCE)
  end
  local b = { tonumber(r), tonumber(p), tonumber(v), tonumber(q) }
  if interval > 0 then
    local period = interval == 1 and today or month_id
    if b[2] < period then b[1], b[2] = amount, period end
  end
  return b
end

local k, a = 1, 4
while k <= #KEYS do
  local n = tonumber(ARGV[a])
  local cost, note, mode = tonumber(ARGV[a + n * 4 + 1]), ARGV[a + n * 4 + 2], ARGV[a + n * 4 + 3]
  local m = tonumber(ARGV[a + n * 4 + 4])
  local pa, ck = a + n * 4 + 4, k + n + 2
  local states, useds = {}, {}
  local blocked_scope, blocked_window, retry = 0, 0, 0
  -- credits first: a pool without its balance stops the request here; one short refuses it
  local balances, credits, credit_retry = {}, 0, 0
  local need = cost > 0 and cost or 1
  for j = 1, m do
    local b = pa + (j - 1) * 4
    local interval = tonumber(ARGV[b + 3])
    local bal = balance(KEYS[ck + j - 1], tonumber(ARGV[b + 1]), tonumber(ARGV[b + 2]), interval, ARGV[b + 4])
    if not bal then
      credits = -1
      break
    end
    balances[j] = bal
    if credits == 0 and bal[1] < need then
      credits = j
      credit_retry = interval == 0 and 0 or (interval == 1 and day_reset or month_reset) - now
    end
  end
  for i = 1, n do
    local b = a + (i - 1) * 4
    -- a cost of 0 asks whether a request would be admitted (decided as a cost of 1), counting nothing
    local s, used, blocked, r = check(KEYS[k + i - 1], { tonumber(ARGV[b + 1]), tonumber(ARGV[b + 2]), tonumber(ARGV[b + 3]), tonumber(ARGV[b + 4]) }, cost > 0 and cost or 1)
    states[i], useds[i] = s, used
    if blocked > 0 and (blocked_scope == 0 or r > retry) then blocked_scope, blocked_window, retry = i, blocked, r end
  end
  -- the credits' answer wins: no window refused what they refused
  if credits ~= 0 then blocked_scope, blocked_window, retry = 0, 0, credit_retry end
  local admitted = blocked_scope == 0 and credits == 0
  if admitted and mode ~= '1' and cost > 0 then
    for i = 1, n do count(KEYS[k + i - 1], states[i], useds[i], cost) end
    for j = 1, m do
      local bal = balances[j]
      bal[1], bal[4] = bal[1] - cost, bal[4] + 1
      call('SET', KEYS[ck + j - 1], string.format('%d:%d:%d:%d', bal[1], bal[2], bal[3], bal[4]), 'PX', CREDIT_TTL)
    end
  end
  if mode == '0' and credits >= 0 then
    -- counted for the usage charts: "a" allowed, "l" refused (rate-limited, or out of credits)
    local ukey = KEYS[k + n]
    if call('HINCRBY', ukey, admitted and allowed_field or limited_field, 1) == 1 then call('PEXPIRE', ukey, ttl) end
    if keep > 0 and note ~= '' then
      -- why a request was refused, for the key's page. Appended at the tail (RPUSH: a list's
      -- packed node grows at its end; LPUSH moved all of it each time, 20 % of the script's time)
      -- and trimmed back to the last 'keep' once a quarter more has gathered (one LTRIM per keep/4
      -- requests; readers take the last 'keep'). The TTL (the usage hash's) is set on a new list
      -- and renewed at each trim, so a list in use lives on and an idle one goes.
      local rkey = KEYS[k + n + 1]
      local length = call('RPUSH', rkey, now .. '|' .. blocked_scope .. '|' .. blocked_window .. '|' .. note .. (credits > 0 and '|USAGE_EXCEEDED' or ''))
      if length > keep + ceil(keep / 4) then
        call('LTRIM', rkey, -keep, -1)
        call('PEXPIRE', rkey, ttl)
      elseif length == 1 then
        call('PEXPIRE', rkey, ttl)
      end
    end
  end
  local o = #out
  out[o + 1], out[o + 2], out[o + 3], out[o + 4] = blocked_scope, blocked_window, ceil(retry), credits
  for i = 1, n do
    local s, used, at = states[i], useds[i], o + 4 + (i - 1) * 6
    out[at + 1], out[at + 2], out[at + 3], out[at + 4] = used[1], used[2], used[3], used[4]
    out[at + 5], out[at + 6] = (s[HEAD[1]] + SLOTS) * size[1], (s[HEAD[2]] + SLOTS) * size[2]
  end
  for j = 1, m do out[o + 4 + n * 6 + j] = balances[j] and balances[j][1] or 0 end
  k, a = ck + m, pa + 1 + m * 4
end
return table.concat(out, ',')
`;
