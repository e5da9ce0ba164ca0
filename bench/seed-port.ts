// A faithful TypeScript port of the seed's algorithm (shared/seed, APIKeyService), for comparison:
// per window GET, compare, INCR, EXPIRE on the first hit (three round trips, check-then-act race),
// then record_request's read-modify-write JSON usage blob (GET + SET).
import type { Redis } from "ioredis";

const PERIODS = ["minute", "hour", "day", "month"] as const;

function timeKey(period: (typeof PERIODS)[number], now: Date): { key: string; ttl: number } {
  const iso = now.toISOString();
  switch (period) {
    case "minute": return { key: iso.slice(0, 16), ttl: 60 };
    case "hour": return { key: iso.slice(0, 13), ttl: 3600 };
    case "day": return { key: iso.slice(0, 10), ttl: 86400 };
    case "month": {
      const next = Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + 1, 1);
      return { key: iso.slice(0, 7), ttl: Math.floor((next - now.getTime()) / 1000) };
    }
  }
}

export async function seedCheck(redis: Redis, keyId: string, limits: Record<(typeof PERIODS)[number], number>): Promise<boolean> {
  const now = new Date();
  for (const period of PERIODS) {
    const { key, ttl } = timeKey(period, now);
    const redisKey = `rate_limit:${keyId}:${period}:${key}`;
    const current = Number((await redis.get(redisKey)) ?? 0);
    if (current >= limits[period]) return false;
    const value = await redis.incr(redisKey);
    if (value === 1) await redis.expire(redisKey, ttl);
  }
  // record_request(success=True)
  const statsKey = `usage:${keyId}`;
  const raw = await redis.get(statsKey);
  const stats = raw ? JSON.parse(raw) : { total_requests: 0, successful_requests: 0, failed_requests: 0, last_request_at: null, daily_usage: {}, monthly_usage: {} };
  stats.total_requests += 1;
  stats.successful_requests += 1;
  stats.last_request_at = now.toISOString();
  const day = now.toISOString().slice(0, 10);
  const month = now.toISOString().slice(0, 7);
  stats.daily_usage[day] = (stats.daily_usage[day] ?? 0) + 1;
  stats.monthly_usage[month] = (stats.monthly_usage[month] ?? 0) + 1;
  await redis.set(statsKey, JSON.stringify(stats), "EX", 86400 * 30);
  return true;
}
