export { createRedis, pingRedis, type RedisOptions } from "./client.ts";
export type { Redis } from "ioredis";
