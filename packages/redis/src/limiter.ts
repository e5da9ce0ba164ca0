// The Redis limiter: one script call decides all four windows of both scopes (a key's own limits,
// its workspace's plan) for every request of an event-loop turn (on a single Redis; one call per
// request on a cluster), an in-process negative cache for keys and workspaces known to be blocked,
// and a circuit breaker with a declared failure policy.
import {
  binding,
  type CreditPool,
  type CreditStore,
  isLimiterUnavailable,
  LimiterUnavailableError,
  LocalLimiter,
  type LimitDecision,
  type Limiter,
  type LimitScope,
  type LimitTarget,
  type Limits,
  type RequestTrace,
  type ScopedDecision,
  WINDOWS,
} from "@keyway/core";
import { batchSize, chunks, keysOf, withScripts, type KeywayCommands, type RedisLike } from "./scripts.ts";
import { decodeRecord, formatBalance, MODE, NEEDS_BALANCE, parseReply, recordSize, HEADER, RECORD, type Mode } from "./limit-reply.ts";
import { USAGE_FIELD, UsageRecorder } from "./usage.ts";
import { kindsOf, noteOf, RECENT_DEFAULT, RecentLog } from "./recent.ts";

export type FailurePolicy = "local" | "closed";

export interface RedisLimiterOptions {
  /** While Redis is unavailable: a local per-instance limiter (marked degraded), or refuse (503). */
  failurePolicy?: FailurePolicy;
  /** How many app instances share the limits; the local fallback enforces limit / instances. */
  instances?: number;
  /** Test seam: the time the script uses instead of Redis TIME. */
  clock?: () => number;
  /** Usage hashes live this long if the flusher never takes them (and so does an idle key's list of recent verifications). */
  usageTtlMs?: number;
  /** How many recent verifications each key keeps (0: none are written). */
  recentVerifications?: number;
  /** Failures in a row that open the circuit, and how long it stays open. */
  breakerThreshold?: number;
  breakerOpenMs?: number;
  negativeCacheSize?: number;
  /** Where refusals answered from the negative cache are counted (one is made when not given). */
  recorder?: UsageRecorder;
  /** Where a credit balance Redis does not hold is read (PostgreSQL's key store). */
  credits?: CreditStore;
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

/** One scope of a target, as the script and the local fallback count it. */
interface Scope {
  scope: LimitScope;
  /** The key's or the workspace's id (what the negative cache and `forget` know it by). */
  id: string;
  /** Its limiter state's Redis key (what the local fallback counts it by). */
  state: string;
  limits: Limits;
}

/** How a target is counted: its scopes, in the order the script gets them, its usage hash, its recent verifications and its credit pools. */
interface Plan {
  scopes: Scope[];
  limits: Limits[];
  usage: string;
  recent: string;
  /** The scopes' kinds, as recent verifications name them ("kw"). */
  kinds: string;
  pools: CreditPool[];
  /** Each pool's balance's Redis key, and its arguments but the stored balance: version, refill amount, interval. */
  balances: string[];
  poolArgs: (string | number)[][];
}

const INTERVAL = { daily: 1, monthly: 2 } as const;

/** A request waiting for the turn's script call. */
interface Queued {
  plan: Plan;
  cost: number;
  mode: Mode;
  note: string;
  /** Each pool's stored balance ("" when not read: the script asks for it if Redis has none). */
  stored: string[] | null;
  resolve(answer: ScopedDecision | typeof NEEDS_BALANCE): void;
  reject(error: unknown): void;
}

function planOf(target: LimitTarget): Plan {
  const names = keysOf(target.id, target.workspace?.id);
  const scopes: Scope[] = [];
  if (target.limits) scopes.push({ scope: "key", id: target.id, state: names.limits, limits: target.limits });
  if (target.workspace) scopes.push({ scope: "workspace", id: target.workspace.id, state: names.workspace!, limits: target.workspace.limits });
  if (scopes.length === 0) throw new TypeError("a limit target needs its own limits or a workspace");
  const pools = target.credits ?? [];
  return {
    scopes,
    limits: scopes.map((s) => s.limits),
    usage: names.usage,
    recent: names.recent,
    kinds: kindsOf(scopes),
    pools,
    balances: pools.map((p) => (p.scope === "key" ? names.credits : names.workspaceCredits!)),
    poolArgs: pools.map((p) => [p.version, p.refill?.amount ?? 0, p.refill ? INTERVAL[p.refill.interval] : 0]),
  };
}

/** The limiter's decision from the script's (or the fallback's) answer for a plan's scopes. */
function decisionOf(plan: Plan, answer: ScopedDecision, degraded: boolean): LimitDecision {
  const scopes: LimitDecision["scopes"] = {};
  plan.scopes.forEach((s, i) => (scopes[s.scope] = answer.windows[i]!));
  const refused = answer.blockedScope >= 0 ? { scope: plan.scopes[answer.blockedScope]!.scope, window: answer.blockedBy! } : null;
  const { scope, windows } = binding(scopes, refused);
  const credits: LimitDecision["credits"] = {};
  plan.pools.forEach((p, j) => (credits[p.scope] = answer.credits?.balances[j] ?? 0));
  const outOfCredits = answer.credits && answer.credits.refused >= 0 ? plan.pools[answer.credits.refused]!.scope : null;
  return {
    allowed: refused === null && outOfCredits === null,
    blockedBy: answer.blockedBy,
    retryAfterMs: answer.retryAfterMs,
    scope,
    windows,
    scopes,
    now: answer.now,
    degraded,
    credits,
    outOfCredits,
  };
}

export class RedisLimiter implements Limiter {
  private readonly redis: RedisLike & KeywayCommands;
  private readonly local: LocalLimiter;
  /** Keys and workspaces refused until a time, by id, with the refusal to answer meanwhile. */
  private readonly blocked = new Map<string, { until: number; decision: LimitDecision }>();
  /** Each target's plan, made once per target object (the verifier keeps one per cached key). */
  private readonly plans = new WeakMap<LimitTarget, Plan>();
  private readonly recorder: UsageRecorder;
  private readonly recentLog: RecentLog;
  private failures = 0;
  private openUntil = 0;
  private queue: Queued[] = [];
  /** The clock reading the queued requests share (tests move it; "" is Redis TIME). */
  private queuedNow: string | number = "";
  private readonly o: Required<Omit<RedisLimiterOptions, "clock" | "onEvent" | "recorder" | "credits">> & Pick<RedisLimiterOptions, "clock" | "onEvent" | "credits">;

  constructor(redis: RedisLike, options: RedisLimiterOptions = {}) {
    this.redis = withScripts(redis);
    this.o = {
      failurePolicy: "local",
      instances: 1,
      usageTtlMs: WEEK,
      breakerThreshold: 3,
      breakerOpenMs: 1_000,
      negativeCacheSize: 100_000,
      recentVerifications: RECENT_DEFAULT,
      ...options,
    };
    this.recentLog = new RecentLog(redis, { keep: this.o.recentVerifications, ttlMs: this.o.usageTtlMs });
    this.local = new LocalLimiter(this.o.instances, this.o.clock ?? Date.now);
    this.recorder = options.recorder ?? new UsageRecorder(redis, { clock: options.clock, flushIntervalMs: 1_000, usageTtlMs: this.o.usageTtlMs });
  }

  private now(): number {
    return this.o.clock?.() ?? Date.now();
  }

  private planFor(target: LimitTarget): Plan {
    let plan = this.plans.get(target);
    if (!plan) this.plans.set(target, (plan = planOf(target)));
    return plan;
  }

  async check(target: LimitTarget, cost = 1, trace?: RequestTrace): Promise<LimitDecision> {
    const plan = this.planFor(target);
    // without a trace (a throttle, a bench), no recent verification is written
    const note = trace && this.o.recentVerifications > 0 ? noteOf(plan.kinds, trace.ip) : "";
    const cached = this.fromNegativeCache(plan, note);
    if (cached) return cached;
    if (this.now() < this.openUntil) return this.fallback(plan, cost, note);
    let answer: ScopedDecision;
    try {
      let first = await this.ask(plan, cost, MODE.decide, note);
      // Redis holds no balance for a pool (it restarted empty, or the balance was set): the stored one, then again
      if (first === NEEDS_BALANCE) first = await this.ask(plan, cost, MODE.decide, note, await this.storedBalances(plan));
      if (first === NEEDS_BALANCE) throw new LimiterUnavailableError();
      answer = first;
    } catch (error) {
      if (isLimiterUnavailable(error)) throw error;
      if (error instanceof Error && error.name === "ReplyError") {
        this.o.onEvent?.({ type: "script_error", error: error.message.split("\n")[0]! });
        return this.fallback(plan, cost, note);
      }
      this.recordFailure(error);
      return this.fallback(plan, cost, note);
    }
    if (this.failures > 0) this.recordSuccess();
    // where the fallback would start each scope
    plan.scopes.forEach((s, i) => this.local.observe(s.state, answer.windows[i]!, answer.now));
    const decision = decisionOf(plan, answer, false);
    // (only a refusal any request would get: one for a large cost says nothing of a smaller one)
    if (!decision.allowed && answer.blockedScope >= 0 && decision.retryAfterMs > 0 && cost <= 1) this.remember(plan.scopes[answer.blockedScope]!, decision);
    return decision;
  }

  /** The pools' balances as PostgreSQL holds them, in the script's format (one removed meanwhile: 0 left, until the record is dropped). */
  private async storedBalances(plan: Plan): Promise<string[]> {
    if (!this.o.credits) throw new LimiterUnavailableError();
    // (the key store being away is no Redis failure: this request waits, the circuit stays closed)
    const stored = await this.o.credits.storedBalances(plan.pools).catch(() => Promise.reject(new LimiterUnavailableError()));
    return plan.pools.map((p, j) => formatBalance(stored[j] ?? { remaining: 0, period: 0, version: p.version, seq: 0 }));
  }

  /**
   * A key or workspace refused until T is answered in-process until T (every key of a refused
   * workspace); its refusals are counted in batches.
   */
  refused(target: LimitTarget, code: string, trace: RequestTrace): void {
    const plan = this.planFor(target);
    this.recentLog.push(plan.recent, `${this.now()}|0|0|${noteOf(plan.kinds, trace.ip)}|${code}`);
  }

  /** A decision made here, not by the script, into the key's recent verifications (as the script writes them). */
  private logDecision(plan: Plan, note: string, refused: { scope: number; window: string | null } | null): void {
    if (!note) return;
    this.recentLog.push(plan.recent, `${this.now()}|${refused ? refused.scope + 1 : 0}|${refused ? WINDOWS.indexOf(refused.window as never) + 1 : 0}|${note}`);
  }

  private fromNegativeCache(plan: Plan, note: string): LimitDecision | null {
    for (const s of plan.scopes) {
      const entry = this.blocked.get(s.id);
      if (!entry) continue;
      const now = this.now();
      if (now >= entry.until) {
        this.blocked.delete(s.id);
        continue;
      }
      this.recorder.recordTo(plan.usage, USAGE_FIELD.rateLimited);
      this.logDecision(plan, note, { scope: Math.max(0, plan.scopes.findIndex((x) => x.scope === entry.decision.scope)), window: entry.decision.blockedBy });
      this.o.onEvent?.({ type: "negative_cache_hit" });
      return { ...entry.decision, now, retryAfterMs: entry.until - now };
    }
    return null;
  }

  private remember(scope: Scope, decision: LimitDecision): void {
    if (this.blocked.size >= this.o.negativeCacheSize) this.blocked.delete(this.blocked.keys().next().value as string);
    // A refused workspace's answer goes to all of its keys: only its own windows, not this key's.
    const workspace = decision.scopes.workspace!;
    const remembered = scope.scope === "workspace" ? { ...decision, windows: workspace, scopes: { workspace } } : decision;
    this.blocked.set(scope.id, { until: this.now() + decision.retryAfterMs, decision: remembered });
  }

  /** Writes the refusals answered from the negative cache into the usage counters (and recent verifications) now. */
  async flush(): Promise<void> {
    await Promise.all([this.recorder.flush(), this.recentLog.flush()]);
  }

  /**
   * The target's current quota in every window of every scope, without counting anything: `used`
   * and `remaining` are what they are now (remaining as if one more request came would leave).
   */
  async peek(target: LimitTarget): Promise<LimitDecision> {
    const plan = this.planFor(target);
    const answer = await this.ask({ ...plan, pools: [], balances: [], poolArgs: [] }, 0, MODE.peek);
    return decisionOf(plan, answer as ScopedDecision, false);
  }

  /**
   * Queues a request for this turn's script call. Requests of one event-loop turn leave together
   * once the turn's I/O has been read (setImmediate): one round trip and one script run for all
   * of them instead of one each; the command timeout starts when the call is sent.
   */
  private ask(plan: Plan, cost: number, mode: Mode, note = "", stored: string[] | null = null): Promise<ScopedDecision | typeof NEEDS_BALANCE> {
    const now = this.o.clock ? this.o.clock() : "";
    if (this.queue.length > 0 && now !== this.queuedNow) this.send();
    this.queuedNow = now;
    return new Promise((resolve, reject) => {
      if (this.queue.push({ plan, cost, mode, note, stored, resolve, reject }) === 1) setImmediate(() => this.send());
    });
  }

  private send(): void {
    const queue = this.queue;
    this.queue = [];
    for (const part of chunks(queue, batchSize(this.redis, MAX_BATCH))) {
      const keys: string[] = [];
      const args: (string | number)[] = [this.queuedNow, this.o.usageTtlMs, this.o.recentVerifications];
      for (const { plan, cost, mode, note, stored } of part) {
        args.push(plan.scopes.length);
        for (const s of plan.scopes) {
          keys.push(s.state);
          args.push(s.limits.minute, s.limits.hour, s.limits.day, s.limits.month);
        }
        keys.push(plan.usage, plan.recent);
        args.push(cost, note, mode, plan.pools.length);
        for (let j = 0; j < plan.pools.length; j++) {
          keys.push(plan.balances[j]!);
          args.push(...plan.poolArgs[j]!, stored?.[j] ?? "");
        }
      }
      this.redis.keywayLimit(keys.length, ...keys, ...args).then(
        (text) => {
          const reply = parseReply(text);
          let at: number = HEADER.SIZE;
          for (const q of part) {
            const pools = q.plan.pools.length;
            q.resolve(reply[at + RECORD.CREDITS] === NEEDS_BALANCE ? NEEDS_BALANCE : decodeRecord(reply, at, q.plan.limits, pools));
            at += recordSize(q.plan.scopes.length, pools);
          }
        },
        (error: unknown) => part.forEach((q) => q.reject(error)),
      );
    }
  }

  forget(ids: string[] | "all"): void {
    if (ids === "all") {
      this.blocked.clear();
      this.local.clear();
    } else for (const id of ids) this.blocked.delete(id);
  }

  private fallback(plan: Plan, cost: number, note = ""): LimitDecision {
    this.o.onEvent?.({ type: "degraded", policy: this.o.failurePolicy });
    // A balance lives in Redis alone between reconciliations: no instance can take from it on its
    // own without letting several spend the same credits. Keys with credits wait for Redis (503).
    if (this.o.failurePolicy === "closed" || plan.pools.length > 0) throw new LimiterUnavailableError(Math.max(1_000, this.openUntil - this.now()));
    const answer = this.local.check(plan.scopes.map((s) => ({ id: s.state, limits: s.limits })), cost);
    // counted for the charts as the script would have (the recorder keeps it until Redis is back)
    this.recorder.recordTo(plan.usage, answer.blockedScope < 0 ? USAGE_FIELD.allowed : USAGE_FIELD.rateLimited);
    this.logDecision(plan, note, answer.blockedScope < 0 ? null : { scope: answer.blockedScope, window: answer.blockedBy });
    return decisionOf(plan, answer, true);
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
    // One scope a call, by its state's Redis key (the usage hash is not touched in this mode).
    for (const [state, cost] of this.local.drain()) {
      const plan: Plan = { scopes: [{ scope: "key", id: state, state, limits: NO_LIMITS }], limits: [NO_LIMITS], usage: state, recent: state, kinds: "k", pools: [], balances: [], poolArgs: [] };
      this.ask(plan, cost, MODE.writeBack).catch(() => {});
    }
  }

  async close(): Promise<void> {
    await Promise.all([this.recorder.close().catch(() => {}), this.recentLog.flush()]);
  }
}
