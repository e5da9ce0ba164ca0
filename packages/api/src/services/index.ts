// The composition root: one set of services per process, built from validated configuration.
import { loadConfig, type Config } from "@keyway/core";
import { createDb, pingDb, type Db } from "@keyway/db";
import { createRedis, pingRedis, type Redis } from "@keyway/redis";
import { sessionService } from "./sessions.ts";
import { userService } from "./users.ts";

export interface Health {
  ok: boolean;
  database: "up" | "down";
  redis: "up" | "down";
}

export function createServices(config: Config) {
  const db: Db = createDb(config.DATABASE_URL);
  const redis: Redis = createRedis(config.REDIS_URL, { keyPrefix: config.REDIS_KEY_PREFIX });
  return {
    config,
    db,
    redis,
    sessions: sessionService(db),
    users: userService(db),
    async health(): Promise<Health> {
      const [database, cache] = await Promise.all([pingDb(db), pingRedis(redis)]);
      return { ok: database && cache, database: database ? "up" : "down", redis: cache ? "up" : "down" };
    },
    async close(): Promise<void> {
      redis.disconnect();
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
