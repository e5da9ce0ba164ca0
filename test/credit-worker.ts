// Child process for the cross-process credits test: loads a key's record from PostgreSQL (the
// key store, as a gateway does), fires COUNT verifications' limit checks at once and prints how
// many were admitted and how many refused for credits.
import { createDb, keyStore } from "@keyway/db";
import { createRedis, RedisLimiter, waitForReady } from "@keyway/redis";

const [redisUrl, prefix, databaseUrl, keyId, count] = process.argv.slice(2) as [string, string, string, string, string];
const redis = createRedis(redisUrl, { keyPrefix: prefix, commandTimeoutMs: 5_000 });
const db = createDb(databaseUrl);
await waitForReady(redis, 5_000);
const store = keyStore(db);
const limiter = new RedisLimiter(redis, { credits: store });
const record = (await store.findById(keyId))!;
const results = await Promise.all(Array.from({ length: Number(count) }, () => limiter.check(record.limitTarget)));
console.log(JSON.stringify({ allowed: results.filter((r) => r.allowed).length, outOfCredits: results.filter((r) => r.outOfCredits).length }));
redis.disconnect();
await db.$disconnect();
