// Every setting Keyway reads, validated once. Composition roots pass process.env in;
// nothing else in the codebase reads the environment.
import { z } from "zod";

const url = (protocols: string[]) =>
  z.string().refine((value) => {
    try {
      return protocols.includes(new URL(value).protocol);
    } catch {
      return false;
    }
  }, `must be a ${protocols.map((p) => p + "//").join(" or ")} URL`);

const positiveInt = z.coerce.number().int().positive();

export const configSchema = z.object({
  NODE_ENV: z.enum(["development", "production", "test"]).default("development"),
  DATABASE_URL: url(["postgresql:", "postgres:"]),
  /**
   * redis://[user:password@]host:port, rediss:// (TLS), or unix:///path/to/redis.sock[?password=…]
   * for a Redis on the same host (a Unix socket costs both sides less than TCP over loopback).
   */
  REDIS_URL: url(["redis:", "rediss:", "unix:"]),
  /** "true" when REDIS_URL is one node of a Redis Cluster (the others are discovered). */
  REDIS_CLUSTER: z.enum(["true", "false"]).default("false"),
  /** A Redis command slower than this fails fast and the failure policy decides (request path). */
  REDIS_COMMAND_TIMEOUT_MS: positiveInt.default(50),
  /** Prefix of every Redis key Keyway writes; lets tests and tenants share one Redis. */
  REDIS_KEY_PREFIX: z.string().regex(/^[A-Za-z0-9:_-]{0,40}$/, "letters, digits, : _ - only").default("kw:"),
  /** Secret that signs session cookies (Auth.js). */
  AUTH_SECRET: z.string().min(32, "must be at least 32 characters"),
  /**
   * Public origin of the portal: links in mails, the cross-site check, and whether cookies are
   * Secure and HSTS is sent (an https:// URL).
   */
  PUBLIC_URL: url(["http:", "https:"]).default("http://localhost:3000"),
  /** The address both servers listen on: loopback unless the operator says otherwise. */
  HOST: z.string().min(1).default("127.0.0.1"),
  /**
   * How many proxies in front of Keyway append to X-Forwarded-For. 0 (default): the client is the
   * socket's peer and the header is ignored; N: the Nth entry from the right is the client.
   */
  TRUSTED_PROXY_HOPS: z.coerce.number().int().min(0).max(10).default(0),
  /** smtp://user:pass@host:port or smtps://…; without it mail cannot be sent (the start command runs a local catcher). */
  SMTP_URL: url(["smtp:", "smtps:"]).optional(),
  /** The From address of every mail. */
  MAIL_FROM: z.string().min(3).max(200).default("Keyway <no-reply@keyway.local>"),
  /** Admins must have a second factor before any admin page or procedure runs. */
  ADMIN_REQUIRE_2FA: z.enum(["true", "false"]).default("true"),
  /** Optional server-side pepper: key hashes become HMAC-SHA-256 instead of SHA-256. */
  KEY_PEPPER: z.string().min(32, "must be at least 32 characters").optional(),
  /**
   * The pepper before a rotation ("none" when there was none): keys hashed with it still verify and
   * are re-hashed with KEY_PEPPER on first use. Remove it once every key has been seen (docs/deploy.md).
   */
  KEY_PEPPER_PREVIOUS: z.union([z.literal("none"), z.string().min(32, "must be at least 32 characters, or none")]).optional(),
  /** Bearer token other services present to /api/v1/keys/verify and /api/v1/usage. */
  KEYWAY_SERVICE_TOKEN: z.string().min(32, "must be at least 32 characters").optional(),
  /** Most keys one workspace may have that verify (rolled keys in their grace period count). */
  MAX_ACTIVE_KEYS_PER_WORKSPACE: positiveInt.default(20),
  /** How long a verified key's record is trusted in each process's cache without a change message (ms). */
  KEY_CACHE_TTL_MS: positiveInt.default(60_000),
  /** The gateway (apps/gateway): /api/v1/* without Next.js in the path. */
  API_PORT: z.coerce.number().int().min(1).max(65_535).default(3001),
  /** Where the portal forwards /api/v1/* (default: the gateway on this host, http://127.0.0.1:API_PORT). */
  GATEWAY_URL: url(["http:", "https:"]).optional(),
  /** The public API server's address when it differs from HOST. */
  API_HOST: z.string().min(1).optional(),
  /** Prometheus /metrics has a listener of its own, on loopback: never on the public port. */
  METRICS_PORT: z.coerce.number().int().min(0).max(65_535).default(9464),
  METRICS_HOST: z.string().min(1).default("127.0.0.1"),
  /** While Redis is unavailable: "local" (per-instance limiter at limit / INSTANCE_COUNT, marked degraded) or "closed" (503). */
  RATE_LIMIT_FAILURE_POLICY: z.enum(["local", "closed"]).default("local"),
  /** How many app instances share Redis; the local fallback divides limits by it. */
  INSTANCE_COUNT: positiveInt.default(1),
  /** Usage older than this many days is pruned from PostgreSQL. */
  USAGE_RETENTION_DAYS: positiveInt.default(400),
  /**
   * How often this instance moves usage from Redis to PostgreSQL (ms); 0 turns the flusher off.
   * Charts and "last used" read the live Redis counts too, so a longer interval delays only the
   * admin overview; a pass costs the same for a key used once or a thousand times.
   */
  USAGE_FLUSH_INTERVAL_MS: z.coerce.number().int().min(0).default(15_000),
  /** How many of its latest verifications each key keeps in Redis for its page (0: none are recorded). */
  RECENT_VERIFICATIONS: z.coerce.number().int().min(0).max(1_000).default(100),
  LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
  GITHUB_ID: z.string().optional(),
  GITHUB_SECRET: z.string().optional(),
  OIDC_ISSUER: url(["http:", "https:"]).optional(),
  OIDC_CLIENT_ID: z.string().optional(),
  OIDC_CLIENT_SECRET: z.string().optional(),
  /** The label of the OIDC button on the sign-in page. */
  OIDC_NAME: z.string().max(40).default("Single sign-on"),
}).refine((c) => !(c.REDIS_CLUSTER === "true" && c.REDIS_URL.startsWith("unix:")), {
  path: ["REDIS_URL"],
  message: "must be a redis:// or rediss:// URL when REDIS_CLUSTER is true (a cluster is reached over TCP)",
});

export type Config = z.infer<typeof configSchema>;

export class ConfigError extends Error {
  override name = "ConfigError";
}

/** Parses the environment; throws a ConfigError whose message is one line naming the variable. */
export function loadConfig(env: Record<string, string | undefined>): Config {
  const cleaned = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ""));
  const result = configSchema.safeParse(cleaned);
  if (result.success) return result.data;
  const issue = result.error.issues[0]!;
  const name = String(issue.path[0] ?? "environment");
  const message = issue.code === "invalid_type" && cleaned[name] === undefined ? "is required" : issue.message;
  throw new ConfigError(`invalid configuration: ${name} ${message}`);
}
