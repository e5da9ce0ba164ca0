export * from "./config.ts";
export * from "./tiers.ts";
