// Child process for the cross-process accuracy test: fires COUNT checks at once, spread in turn
// over the given keys of one workspace whose plan allows LIMIT in every window, and prints how many
// were allowed.
import { createRedis, RedisLimiter, waitForReady } from "@keyway/redis";

const [url, prefix, workspaceId, limit, count, keyIds] = process.argv.slice(2) as [string, string, string, string, string, string];
const redis = createRedis(url, { keyPrefix: prefix, commandTimeoutMs: 5_000 });
await waitForReady(redis, 5_000);
const limiter = new RedisLimiter(redis);
const n = Number(limit);
const plan = { id: workspaceId, limits: { minute: n, hour: n, day: n, month: n } };
const targets = keyIds.split(",").map((id) => ({ id, limits: null, workspace: plan }));
const results = await Promise.all(Array.from({ length: Number(count) }, (_, i) => limiter.check(targets[i % targets.length]!)));
console.log(JSON.stringify({ allowed: results.filter((r) => r.allowed).length, degraded: results.some((r) => r.degraded) }));
redis.disconnect();
