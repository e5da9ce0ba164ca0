// The Redis limiter: one script call decides all four windows for every request of an event-loop
// turn (on a single Redis; one call per request on a cluster), an in-process negative cache for
// keys known to be blocked, and a circuit breaker with a declared failure policy.
import { LimiterUnavailableError, LocalLimiter, type LimitDecision, type Limiter, type Limits } from "@keyway/core";
import { batchSize, chunks, keysOf, withScripts, type KeywayCommands, type RedisLike } from "./scripts.ts";
import { decodeDecision, MODE, parseReply, recordAt, type Mode } from "./limit-reply.ts";
import { USAGE_FIELD, UsageRecorder } from "./usage.ts";

export type FailurePolicy = "local" | "closed";

export interface RedisLimiterOptions {
  /** While Redis is unavailable: a local per-instance limiter (marked degraded), or refuse (503). */
  failurePolicy?: FailurePolicy;
  /** How many app instances share the limits; the local fallback enforces limit / instances. */
  instances?: number;
  /** Test seam: the time the script uses instead of Redis TIME. */
  clock?: () => number;
  /** Usage hashes live this long if the flusher never takes them. */
  usageTtlMs?: number;
  /** Failures in a row that open the circuit, and how long it stays open. */
  breakerThreshold?: number;
  breakerOpenMs?: number;
  negativeCacheSize?: number;
  /** Where refusals answered from the negative cache are counted (one is made when not given). */
  recorder?: UsageRecorder;
  onEvent?: (event: LimiterEvent) => void;
}

export type LimiterEvent =
  | { type: "redis_error"; error: string }
  /** Redis answered with an error (a script bug, a full memory): not an outage, but decided locally. */
  | { type: "script_error"; error: string }
  | { type: "degraded"; policy: FailurePolicy }
  | { type: "negative_cache_hit" }
  | { type: "circuit"; state: "open" | "closed" };

const WEEK = 7 * 24 * 3600 * 1000;
/** Requests per script call on a single Redis. */
const MAX_BATCH = 128;

/** Limits any write-back fits: it only adds what was already admitted. */
const NO_LIMITS: Limits = { minute: 1e15, hour: 1e15, day: 1e15, month: 1e15 };

/** A request's answer: the script's reply (its numbers) and where this request's record begins. */
interface Answer {
  reply: number[];
  at: number;
}

/** A request waiting for the turn's script call. */
interface Queued {
  keyId: string;
  limits: Limits;
  cost: number;
  mode: Mode;
  resolve(answer: Answer): void;
  reject(error: unknown): void;
}

export class RedisLimiter implements Limiter {
  private readonly redis: RedisLike & KeywayCommands;
  private readonly local: LocalLimiter;
  private readonly blocked = new Map<string, { until: number; decision: LimitDecision }>();
  private readonly recorder: UsageRecorder;
  private failures = 0;
  private openUntil = 0;
  private queue: Queued[] = [];
  /** The clock reading the queued requests share (tests move it; "" is Redis TIME). */
  private queuedNow: string | number = "";
  private readonly o: Required<Omit<RedisLimiterOptions, "clock" | "onEvent" | "recorder">> & Pick<RedisLimiterOptions, "clock" | "onEvent">;

  constructor(redis: RedisLike, options: RedisLimiterOptions = {}) {
    this.redis = withScripts(redis);
    this.o = {
      failurePolicy: "local",
      instances: 1,
      usageTtlMs: WEEK,
      breakerThreshold: 3,
      breakerOpenMs: 1_000,
      negativeCacheSize: 100_000,
      ...options,
    };
    this.local = new LocalLimiter(this.o.instances, this.o.clock ?? Date.now);
    this.recorder = options.recorder ?? new UsageRecorder(redis, { clock: options.clock, flushIntervalMs: 1_000, usageTtlMs: this.o.usageTtlMs });
  }

  private now(): number {
    return this.o.clock?.() ?? Date.now();
  }

  async check(keyId: string, limits: Limits, cost = 1): Promise<LimitDecision> {
    const cached = this.fromNegativeCache(keyId);
    if (cached) return cached;
    if (this.now() < this.openUntil) return this.fallback(keyId, limits, cost);
    let answer: Answer;
    try {
      answer = await this.ask(keyId, limits, cost, MODE.decide);
    } catch (error) {
      if (error instanceof Error && error.name === "ReplyError") {
        this.o.onEvent?.({ type: "script_error", error: error.message.split("\n")[0]! });
        return this.fallback(keyId, limits, cost);
      }
      this.recordFailure(error);
      return this.fallback(keyId, limits, cost);
    }
    if (this.failures > 0) this.recordSuccess();
    const decision = decodeDecision(answer.reply, answer.at, limits);
    this.local.observe(keyId, decision); // where the fallback would start this key
    if (!decision.allowed && decision.retryAfterMs > 0) this.remember(keyId, decision);
    return decision;
  }

  /** A key refused until T is answered in-process until T; its refusals are counted in batches. */
  private fromNegativeCache(keyId: string): LimitDecision | null {
    const entry = this.blocked.get(keyId);
    if (!entry) return null;
    const now = this.now();
    if (now >= entry.until) {
      this.blocked.delete(keyId);
      return null;
    }
    this.recorder.record(keyId, USAGE_FIELD.rateLimited);
    this.o.onEvent?.({ type: "negative_cache_hit" });
    return { ...entry.decision, now, retryAfterMs: entry.until - now };
  }

  private remember(keyId: string, decision: LimitDecision): void {
    if (this.blocked.size >= this.o.negativeCacheSize) this.blocked.delete(this.blocked.keys().next().value as string);
    this.blocked.set(keyId, { until: this.now() + decision.retryAfterMs, decision });
  }

  /** Writes the refusals answered from the negative cache into the usage counters now. */
  flush(): Promise<void> {
    return this.recorder.flush();
  }

  /**
   * The key's current quota in every window, without counting anything: `used` and `remaining`
   * are what they are now (remaining as if one more request came would leave), resets as usual.
   */
  async peek(keyId: string, limits: Limits): Promise<LimitDecision> {
    const { reply, at } = await this.ask(keyId, limits, 0, MODE.peek);
    return decodeDecision(reply, at, limits);
  }

  /**
   * Queues a request for this turn's script call. Requests of one event-loop turn leave together
   * once the turn's I/O has been read (setImmediate): one round trip and one script run for all
   * of them instead of one each; the command timeout starts when the call is sent.
   */
  private ask(keyId: string, limits: Limits, cost: number, mode: Mode): Promise<Answer> {
    const now = this.o.clock ? this.o.clock() : "";
    if (this.queue.length > 0 && now !== this.queuedNow) this.send();
    this.queuedNow = now;
    return new Promise((resolve, reject) => {
      if (this.queue.push({ keyId, limits, cost, mode, resolve, reject }) === 1) setImmediate(() => this.send());
    });
  }

  private send(): void {
    const queue = this.queue;
    this.queue = [];
    for (const part of chunks(queue, batchSize(this.redis, MAX_BATCH))) {
      const keys: string[] = [];
      const args: (string | number)[] = [this.queuedNow, this.o.usageTtlMs];
      for (const q of part) {
        const k = keysOf(q.keyId);
        keys.push(k.limits, k.usage);
        args.push(q.limits.minute, q.limits.hour, q.limits.day, q.limits.month, q.cost, q.mode);
      }
      this.redis.keywayLimit(keys.length, ...keys, ...args).then(
        (text) => {
          const reply = parseReply(text);
          part.forEach((q, n) => q.resolve({ reply, at: recordAt(n) }));
        },
        (error: unknown) => part.forEach((q) => q.reject(error)),
      );
    }
  }

  forget(keyIds: string[] | "all"): void {
    if (keyIds === "all") {
      this.blocked.clear();
      this.local.clear();
    } else for (const id of keyIds) this.blocked.delete(id);
  }

  private fallback(keyId: string, limits: Limits, cost: number): LimitDecision {
    this.o.onEvent?.({ type: "degraded", policy: this.o.failurePolicy });
    if (this.o.failurePolicy === "closed") throw new LimiterUnavailableError(Math.max(1_000, this.openUntil - this.now()));
    const decision = this.local.check(keyId, limits, cost);
    // counted for the charts as the script would have (the recorder keeps it until Redis is back)
    this.recorder.record(keyId, decision.allowed ? USAGE_FIELD.allowed : USAGE_FIELD.rateLimited);
    return decision;
  }

  private recordFailure(error: unknown): void {
    this.failures++;
    this.o.onEvent?.({ type: "redis_error", error: error instanceof Error ? error.message : String(error) });
    if (this.failures >= this.o.breakerThreshold) {
      if (this.openUntil <= this.now()) this.o.onEvent?.({ type: "circuit", state: "open" });
      this.openUntil = this.now() + this.o.breakerOpenMs;
    }
  }

  private recordSuccess(): void {
    if (this.failures >= this.o.breakerThreshold) this.o.onEvent?.({ type: "circuit", state: "closed" });
    this.failures = 0;
    this.openUntil = 0;
    // What the local fallback admitted goes to Redis, so the shared windows count it: without
    // this, a failover of a few seconds let a key have its limit again on top of those admissions.
    for (const [keyId, cost] of this.local.drain()) this.ask(keyId, NO_LIMITS, cost, MODE.writeBack).catch(() => {});
  }

  async close(): Promise<void> {
    await this.recorder.close().catch(() => {});
  }
}
