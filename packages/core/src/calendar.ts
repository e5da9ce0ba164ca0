// Calendar windows in UTC, shared by the local limiter (the Lua script has the same arithmetic).
const DAY = 86_400_000;

export function dayStart(now: number): number {
  return Math.floor(now / DAY) * DAY;
}

export function nextDayStart(now: number): number {
  return dayStart(now) + DAY;
}

export function nextMonthStart(now: number): number {
  const d = new Date(now);
  return Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 1);
}
