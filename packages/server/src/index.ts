// @keyway/server, the composition root: one set of services per process, built from validated
// configuration, with the logger and the metrics. Server-only: never import it from client components.
import { createVerifier, loadConfig, type Config, type InvalidationTarget } from "@keyway/core";
import { adminService, catalogueService, createDb, keyService, keyStore, pingDb, serviceTokenService, workspaceService, type Db } from "@keyway/db";
import { createRedis, createRedisCluster, invalidationBus, pingRedis, RedisLimiter, UsageRecorder, waitForReady, type RedisLike } from "@keyway/redis";
import type { DestinationStream } from "pino";
import { accountService, invitationService, mailService, secondFactorService, sessionService, throttleService, userService } from "@keyway/auth";
import { createLogger } from "./logger.ts";
import { createMetrics } from "./metrics.ts";
import { usageFlusher, usageService, type FlusherDeps } from "./usage.ts";
import { creditService } from "./credits.ts";

export interface Health {
  ok: boolean;
  database: "up" | "down";
  redis: "up" | "down";
}

/**
 * Whether this instance should get traffic: PostgreSQL reachable, and Redis reachable or the
 * declared degraded mode in force (RATE_LIMIT_FAILURE_POLICY=local keeps answering without it;
 * taking every instance out of a load balancer then would turn a Redis outage into a full one).
 */
export interface Readiness {
  ready: boolean;
  database: "up" | "down";
  redis: "up" | "degraded" | "down";
}

export interface ServiceOptions {
  /** Test seam: the clock for expiry checks, and the time the Redis scripts use. */
  clock?: () => number;
  /** Where log lines go (stdout when not given); tests read them back. */
  logDestination?: DestinationStream;
}

/** The Redis client the configuration asks for: one node, or a Redis Cluster. */
function connectRedis(config: Config, commandTimeoutMs = config.REDIS_COMMAND_TIMEOUT_MS): RedisLike {
  const options = { keyPrefix: config.REDIS_KEY_PREFIX, commandTimeoutMs };
  return config.REDIS_CLUSTER === "true" ? createRedisCluster(config.REDIS_URL, options) : createRedis(config.REDIS_URL, options);
}

/**
 * Only the usage flusher (PostgreSQL, Redis, a logger), for a thread or process that does nothing
 * else; its flush metrics go wherever the caller sends them.
 */
export function createFlusher(config: Config, metrics: FlusherDeps["metrics"]) {
  const log = createLogger(config.LOG_LEVEL);
  const db = createDb(config.DATABASE_URL);
  // Background work: a pipeline of 500 commands or a SCAN page may take longer than the request
  // path's command timeout on a busy machine, and waiting for it costs no request anything.
  const redis = connectRedis(config, 5_000);
  return {
    ...usageFlusher({ db, redis, keyPrefix: config.REDIS_KEY_PREFIX, log, retentionDays: config.USAGE_RETENTION_DAYS, metrics, afterPass: creditService({ db, redis }).reconcileOnce }),
    async close(): Promise<void> {
      redis.disconnect();
      await db.$disconnect();
    },
  };
}

export function createServices(config: Config, options: ServiceOptions = {}) {
  const log = createLogger(config.LOG_LEVEL, options.logDestination);
  const db: Db = createDb(config.DATABASE_URL);
  const redis = connectRedis(config);
  // Reads for people (charts, usage stats) and health checks wait longer than a request may: on a
  // busy machine a 50 ms timeout fails a dashboard read that would have answered in 60.
  const readRedis = connectRedis(config, 1_000);
  const recorder = new UsageRecorder(redis, { clock: options.clock });
  // The verifier is made below; the metrics read its cache statistics lazily.
  const metrics = createMetrics({ cacheStats: () => verifier.cacheStats() });
  const store = keyStore(db);
  const limiter = new RedisLimiter(redis, {
    credits: store,
    failurePolicy: config.RATE_LIMIT_FAILURE_POLICY,
    instances: config.INSTANCE_COUNT,
    clock: options.clock,
    recorder,
    recentVerifications: config.RECENT_VERIFICATIONS,
    onEvent: (e) => {
      if (e.type === "redis_error") metrics.redisError("connection");
      if (e.type === "script_error") metrics.redisError("script");
      if (e.type === "degraded") metrics.degraded(e.policy);
      if (e.type === "negative_cache_hit") metrics.negativeCacheHit();
      if (e.type === "script_error") log.error({ err: e.error }, "rate-limit script failed: decided locally");
      if (e.type === "circuit") log.warn({ circuit: e.state }, e.state === "open" ? "redis unavailable: rate limiting degraded" : "redis back: rate limiting exact again");
    },
  });
  const verifier = createVerifier({
    store,
    limiter,
    pepper: config.KEY_PEPPER,
    previousPepper: config.KEY_PEPPER_PREVIOUS === undefined ? undefined : config.KEY_PEPPER_PREVIOUS === "none" ? null : config.KEY_PEPPER_PREVIOUS,
    cacheTtlMs: config.KEY_CACHE_TTL_MS,
    clock: options.clock,
  });
  const bus = invalidationBus(redis, config.REDIS_URL, config.REDIS_KEY_PREFIX, (target) => verifier.invalidate(target));
  const publish = (target: InvalidationTarget) =>
    bus.publish(target).catch((error: Error) => log.error({ err: error.message }, "could not publish a cache invalidation"));
  const keys = keyService(db, { pepper: config.KEY_PEPPER, maxActiveKeys: config.MAX_ACTIVE_KEYS_PER_WORKSPACE, publish, clock: options.clock });
  const mail = mailService(config);
  const sessions = sessionService(db, options.clock);
  return {
    config,
    log,
    db,
    redis,
    keyStore: store,
    verifier,
    limiter,
    recorder,
    keys,
    workspaces: workspaceService(db, { publish }),
    invitations: invitationService({ db, mail, publicUrl: config.PUBLIC_URL, clock: options.clock }),
    admin: adminService(db, { publish, clock: options.clock }),
    catalogue: catalogueService(db, { publish }),
    serviceTokens: serviceTokenService(db, { clock: options.clock }),
    credits: creditService({ db, redis: readRedis }),
    usage: usageService({ db, redis: readRedis, keyPrefix: config.REDIS_KEY_PREFIX, log, retentionDays: config.USAGE_RETENTION_DAYS, keyStore: store, limiter, metrics, clock: options.clock, recentVerifications: config.RECENT_VERIFICATIONS }),
    metrics,
    sessions,
    users: userService(db),
    accounts: accountService({ db, mail, sessions, keys, publicUrl: config.PUBLIC_URL, clock: options.clock }),
    secondFactor: secondFactorService(db, config.AUTH_SECRET, options.clock),
    mail,
    throttle: throttleService(limiter),
    /** Resolves once Redis is connected (or after `timeoutMs`, leaving the failure policy to act). */
    async ready(timeoutMs = 2_000): Promise<void> {
      await Promise.all([waitForReady(redis, timeoutMs), waitForReady(readRedis, timeoutMs)]).catch(() => log.warn("redis not reachable at start-up"));
    },
    async readiness(): Promise<Readiness> {
      const { database, redis: cache } = await this.health();
      const redisState = cache === "up" ? "up" : config.RATE_LIMIT_FAILURE_POLICY === "local" ? "degraded" : "down";
      return { ready: database === "up" && redisState !== "down", database, redis: redisState };
    },
    async health(): Promise<Health> {
      const [database, cache] = await Promise.all([pingDb(db), pingRedis(readRedis)]);
      return { ok: database && cache, database: database ? "up" : "down", redis: cache ? "up" : "down" };
    },
    async close(): Promise<void> {
      await limiter.close();
      await recorder.close().catch(() => {});
      await bus.close();
      mail.close();
      redis.disconnect();
      readRedis.disconnect();
      await db.$disconnect();
    },
  };
}
export type Services = ReturnType<typeof createServices>;

const holder = globalThis as unknown as { __keywayServices?: Services };

/** The process's services, built on first use from the environment (cached across dev reloads). */
export function getServices(): Services {
  holder.__keywayServices ??= createServices(loadConfig(process.env));
  return holder.__keywayServices;
}

export { createLogger } from "./logger.ts";
export { createMetrics, type Metrics } from "./metrics.ts";
export { auditCsv, csvField } from "./audit-csv.ts";
export type { UsagePoint, UsageRange } from "./usage.ts";
export type { ServiceCaller } from "@keyway/db";
