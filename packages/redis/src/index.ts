export { connectionOf, createRedis, createRedisCluster, pingRedis, waitForReady, type RedisOptions } from "./client.ts";
export { RedisLimiter, type RedisLimiterOptions, type FailurePolicy, type LimiterEvent } from "./limiter.ts";
export { keysOf, withScripts, LIMIT_SCRIPT, RECORD_SCRIPT, type RedisLike } from "./scripts.ts";
export type { Redis, Cluster } from "ioredis";
export { invalidationBus, type InvalidationBus } from "./invalidation.ts";
export { UsageRecorder, USAGE_FIELD, parseUsageHash, takeUsage, takeUsageChunks, deleteTaken, openUsage, type UsageField, type TakenUsage } from "./usage.ts";
export { readRecent, parseEntry, RECENT_DEFAULT, type RecentVerification } from "./recent.ts";
export { readBalances, type BalanceRef } from "./credits.ts";
