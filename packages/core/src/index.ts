export * from "./config.ts";
export * from "./tiers.ts";
export * from "./keys.ts";
export * from "./limits.ts";
export * from "./calendar.ts";
export * from "./local-limiter.ts";
export * from "./cache.ts";
export * from "./verify.ts";
