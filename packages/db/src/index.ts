export { createDb, pingDb, type Db } from "./client.ts";
export { describeDbError } from "./errors.ts";
export { Prisma, type User, type ApiKey, type Tier, type AuditLog, Role, KeyStatus } from "./generated/prisma/client.ts";
