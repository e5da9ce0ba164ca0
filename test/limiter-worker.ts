// Child process for the cross-process accuracy test: fires COUNT checks at once on one key and
// prints how many were allowed.
import { createRedis, RedisLimiter, waitForReady } from "@keyway/redis";

const [url, prefix, keyId, limit, count] = process.argv.slice(2) as [string, string, string, string, string];
const redis = createRedis(url, { keyPrefix: prefix, commandTimeoutMs: 5_000 });
await waitForReady(redis, 5_000);
const limiter = new RedisLimiter(redis);
const n = Number(limit);
const results = await Promise.all(
  Array.from({ length: Number(count) }, () => limiter.check({ id: keyId, limits: { minute: n, hour: n, day: n, month: n } })),
);
console.log(JSON.stringify({ allowed: results.filter((r) => r.allowed).length, degraded: results.some((r) => r.degraded) }));
redis.disconnect();
