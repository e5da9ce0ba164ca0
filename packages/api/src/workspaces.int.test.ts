// Team workspaces against real PostgreSQL, Redis and SMTP: invitations read from the mail catcher,
// every workspace procedure called as owner, admin, developer, viewer, non-member and anonymous,
// the rules about owners, and what a removed member or a deleted account leaves behind.
import { afterAll, describe, expect, inject, it } from "vitest";
import type { WorkspaceRole } from "@keyway/db";
import { testServices, uniqueEmail, viewerOf } from "../../../test/support.ts";
import { latestMail, linkIn } from "../../../test/mailbox.ts";
import { createCaller } from "./root.ts";

const clock = { t: Date.now(), now: () => clock.t };
const services = testServices({}, { clock: clock.now });
afterAll(() => services.close());
const mailApi = inject("mailApiUrl");
const system = { id: null, role: "system" as const };

type Caller = ReturnType<typeof createCaller>;
const tokenOf = (link: string) => new URL(link).searchParams.get("token")!;

async function person(tag = "member") {
  const user = await services.users.createWithPassword({ email: uniqueEmail(tag), name: tag, password: null, role: "developer", tier: "free" });
  return { ...user, caller: createCaller({ services, viewer: viewerOf(user), client: { ip: "203.0.113.7", userAgent: "vitest" } }) };
}
const anonymous = createCaller({ services, viewer: null });

/** A team with a member of every role (two owners, so one may leave), a key and an open invitation. */
async function team() {
  const owner = await person("owner");
  const workspace = await owner.caller.workspaces.create({ name: `Team ${Math.random().toString(36).slice(2, 7)}` });
  const members: Record<WorkspaceRole | "owner2", Awaited<ReturnType<typeof person>>> = { owner, owner2: await person("owner2"), admin: await person("admin"), developer: await person("developer"), viewer: await person("viewer") };
  for (const role of ["owner2", "admin", "developer", "viewer"] as const) {
    await services.db.membership.create({ data: { workspaceId: workspace.id, userId: members[role].id, role: role === "owner2" ? "owner" : role } });
  }
  const key = await services.keys.create(system, { userId: owner.id, workspaceId: workspace.id, name: "team key" });
  const invitation = await services.db.invitation.create({ data: { workspaceId: workspace.id, email: uniqueEmail("invited"), role: "developer", hash: Math.random().toString(36), expires: new Date(clock.t + 86_400_000) } });
  return { workspace, members, key, invitation, outsider: await person("outsider") };
}

describe("every workspace procedure, by role", () => {
  type Team = Awaited<ReturnType<typeof team>>;
  const cases: [string, WorkspaceRole, (c: Caller, t: Team) => Promise<unknown>][] = [
    ["workspaces.get", "viewer", (c, t) => c.workspaces.get({ workspaceId: t.workspace.id })],
    ["workspaces.members", "viewer", (c, t) => c.workspaces.members({ workspaceId: t.workspace.id })],
    ["workspaces.leave", "viewer", (c, t) => c.workspaces.leave({ workspaceId: t.workspace.id })],
    ["keys.list", "viewer", (c, t) => c.keys.list({ workspaceId: t.workspace.id })],
    ["usage.series", "viewer", (c, t) => c.usage.series({ workspaceId: t.workspace.id, range: "day" })],
    ["usage.quota", "viewer", (c, t) => c.usage.quota({ workspaceId: t.workspace.id, keyId: t.key.record.id })],
    ["usage.workspaceQuota", "viewer", (c, t) => c.usage.workspaceQuota({ workspaceId: t.workspace.id })],
    ["workspaces.activity", "viewer", (c, t) => c.workspaces.activity({ workspaceId: t.workspace.id })],
    ["keys.get", "viewer", (c, t) => c.keys.get({ workspaceId: t.workspace.id, id: t.key.record.id })],
    ["keys.recent", "viewer", (c, t) => c.keys.recent({ workspaceId: t.workspace.id, id: t.key.record.id })],
    ["keys.create", "developer", (c, t) => c.keys.create({ workspaceId: t.workspace.id, name: "new" })],
    ["keys.rename", "developer", (c, t) => c.keys.rename({ workspaceId: t.workspace.id, id: t.key.record.id, name: "renamed" })],
    ["keys.roll", "developer", (c, t) => c.keys.roll({ workspaceId: t.workspace.id, id: t.key.record.id, graceSeconds: 60 })],
    ["keys.setMetadata", "developer", (c, t) => c.keys.setMetadata({ workspaceId: t.workspace.id, id: t.key.record.id, metadata: { plan: "gold" } })],
    ["keys.revoke", "developer", (c, t) => c.keys.revoke({ workspaceId: t.workspace.id, id: t.key.record.id })],
    ["keys.setLimits", "admin", (c, t) => c.keys.setLimits({ workspaceId: t.workspace.id, id: t.key.record.id, limits: { minute: 5, hour: null, day: null, month: null } })],
    ["keys.catalogue", "viewer", (c, t) => c.keys.catalogue({ workspaceId: t.workspace.id })],
    ["keys.setPermissions", "admin", (c, t) => c.keys.setPermissions({ workspaceId: t.workspace.id, id: t.key.record.id, permissions: [], roles: [] })],
    ["keys.setAllowlist", "admin", (c, t) => c.keys.setAllowlist({ workspaceId: t.workspace.id, id: t.key.record.id, ipAllowlist: ["203.0.113.0/24"] })],
    ["keys.setCredits", "admin", (c, t) => c.keys.setCredits({ workspaceId: t.workspace.id, id: t.key.record.id, credits: { remaining: 100, refill: null } })],
    ["workspaces.rename", "admin", (c, t) => c.workspaces.rename({ workspaceId: t.workspace.id, name: "Renamed" })],
    ["workspaces.invite", "admin", (c, t) => c.workspaces.invite({ workspaceId: t.workspace.id, email: uniqueEmail("new"), role: "developer" })],
    ["workspaces.revokeInvitation", "admin", (c, t) => c.workspaces.revokeInvitation({ workspaceId: t.workspace.id, invitationId: t.invitation.id })],
    ["workspaces.setRole", "admin", (c, t) => c.workspaces.setRole({ workspaceId: t.workspace.id, userId: t.members.viewer.id, role: "developer" })],
    ["workspaces.removeMember", "admin", (c, t) => c.workspaces.removeMember({ workspaceId: t.workspace.id, userId: t.members.developer.id })],
    ["workspaces.remove", "owner", (c, t) => c.workspaces.remove({ workspaceId: t.workspace.id, confirmName: t.workspace.name })],
  ];
  const RANK = { viewer: 0, developer: 1, admin: 2, owner: 3 };

  it.each(cases)("%s needs %s", async (_, minimum, call) => {
    for (const role of ["owner", "admin", "developer", "viewer"] as const) {
      const t = await team();
      const attempt = call(t.members[role].caller, t);
      if (RANK[role] >= RANK[minimum]) await expect(attempt.then(() => "done"), role).resolves.toBe("done");
      else await expect(attempt, role).rejects.toMatchObject({ code: "FORBIDDEN", message: expect.stringContaining(`needs the ${minimum} role`) });
    }
    const t = await team();
    const before = await services.db.auditLog.count({ where: { targetWorkspaceId: t.workspace.id } });
    await expect(call(t.outsider.caller, t), "non-member").rejects.toMatchObject({ code: "NOT_FOUND", message: "No such workspace." });
    await expect(call(anonymous, t), "anonymous").rejects.toMatchObject({ code: "UNAUTHORIZED" });
    // refused calls changed nothing
    expect(await services.db.auditLog.count({ where: { targetWorkspaceId: t.workspace.id } })).toBe(before);
    expect(await services.db.membership.count({ where: { workspaceId: t.workspace.id } })).toBe(5);
  });

  it("the caller's own lists and invitations need a session", async () => {
    await expect(anonymous.workspaces.list()).rejects.toMatchObject({ code: "UNAUTHORIZED" });
    await expect(anonymous.workspaces.create({ name: "x" })).rejects.toMatchObject({ code: "UNAUTHORIZED" });
    await expect(anonymous.invitations.mine()).rejects.toMatchObject({ code: "UNAUTHORIZED" });
    await expect(anonymous.invitations.accept({ id: "x" })).rejects.toMatchObject({ code: "UNAUTHORIZED" });
  });

  it("shows open invitations to admins and owners only", async () => {
    const t = await team();
    expect((await t.members.admin.caller.workspaces.members({ workspaceId: t.workspace.id })).invitations).toHaveLength(1);
    expect((await t.members.developer.caller.workspaces.members({ workspaceId: t.workspace.id })).invitations).toBeNull();
  });
});

describe("invitations", () => {
  it("a mailed link lets the invited address join with its role; the team's keys and usage are then theirs to see", async () => {
    const owner = await person("owner");
    const { id: workspaceId } = await owner.caller.workspaces.create({ name: "Acme" });
    const invitee = await person("invitee");
    await owner.caller.workspaces.invite({ workspaceId, email: invitee.email.toUpperCase(), role: "developer" });
    const mail = await latestMail(mailApi, invitee.email, /invited you to Acme/);
    expect(mail.text).toContain("as a developer");
    const token = tokenOf(linkIn(mail, "/invite"));

    const preview = await invitee.caller.invitations.preview({ token });
    expect(preview).toMatchObject({ workspaceName: "Acme", role: "developer", email: invitee.email, forYou: true, expired: false });
    expect(JSON.stringify(preview)).not.toContain(token);
    expect(await invitee.caller.invitations.mine()).toMatchObject([{ id: preview.id, workspaceName: "Acme" }]);
    // someone else holding the link cannot use it
    const other = await person("other");
    expect((await other.caller.invitations.preview({ token })).forYou).toBe(false);
    await expect(other.caller.invitations.accept({ id: preview.id })).rejects.toMatchObject({ code: "FORBIDDEN", message: expect.stringContaining(invitee.email) });

    expect(await invitee.caller.invitations.accept({ id: preview.id })).toMatchObject({ workspaceId, role: "developer", accepted: true });
    await expect(invitee.caller.invitations.accept({ id: preview.id })).rejects.toMatchObject({ code: "BAD_REQUEST", message: expect.stringContaining("accepted already") });
    expect((await invitee.caller.workspaces.list()).map((w) => [w.name, w.role])).toEqual([["Personal", "owner"], ["Acme", "developer"]]);

    // the member's key is the team's: its owner sees it with its creator, and it counts against the team's plan
    const { key, record } = await invitee.caller.keys.create({ workspaceId, name: "from the invitee" });
    const listed = await owner.caller.keys.list({ workspaceId });
    expect(listed.map((k) => [k.name, k.user?.email])).toEqual([["from the invitee", invitee.email]]);
    expect(await services.verifier.verify(key)).toMatchObject({ valid: true, ownerId: invitee.id, workspace: { id: workspaceId, name: "Acme", plan: "free" } });
    await services.recorder.flush();
    await services.limiter.flush();
    expect((await owner.caller.usage.series({ workspaceId, range: "hour" })).totals.allowed).toBe(1);
    expect(record.workspaceId).toBe(workspaceId);

    // removed, the member loses the workspace at once; the key stays with it
    await owner.caller.workspaces.removeMember({ workspaceId, userId: invitee.id });
    await expect(invitee.caller.keys.list({ workspaceId })).rejects.toMatchObject({ code: "NOT_FOUND" });
    await expect(invitee.caller.keys.revoke({ workspaceId, id: record.id })).rejects.toMatchObject({ code: "NOT_FOUND" });
    expect(await services.verifier.verify(key)).toMatchObject({ valid: true });
    const audit = await services.db.auditLog.findMany({ where: { targetWorkspaceId: workspaceId }, orderBy: { id: "asc" }, select: { action: true } });
    expect(audit.map((a) => a.action)).toEqual(["workspace.create", "invitation.create", "invitation.accept", "key.create", "workspace.member.remove"]);
  });

  it("renews an open invitation (the old link stops), declines, revokes and expires after 7 days", async () => {
    const owner = await person("owner");
    const { id: workspaceId } = await owner.caller.workspaces.create({ name: "Renewals" });
    const invitee = await person("invitee");
    await owner.caller.workspaces.invite({ workspaceId, email: invitee.email, role: "viewer" });
    const first = tokenOf(linkIn(await latestMail(mailApi, invitee.email, /Renewals/), "/invite"));
    await owner.caller.workspaces.invite({ workspaceId, email: invitee.email, role: "admin" });
    const mails = await (await fetch(`${mailApi}/api/email`)).json() as { subject: string; to: { address: string }[]; text: string }[];
    const tokens = mails.filter((m) => m.to[0]?.address === invitee.email).map((m) => tokenOf(linkIn(m as never, "/invite")));
    const second = tokens.find((t) => t !== first)!;
    await expect(invitee.caller.invitations.preview({ token: first })).rejects.toMatchObject({ code: "BAD_REQUEST", message: expect.stringContaining("not valid") });
    const renewed = await invitee.caller.invitations.preview({ token: second });
    expect(renewed.role).toBe("admin");
    expect((await owner.caller.workspaces.members({ workspaceId })).invitations).toHaveLength(1);

    await invitee.caller.invitations.decline({ id: renewed.id });
    expect((await invitee.caller.workspaces.list()).map((w) => w.name)).toEqual(["Personal"]);
    expect((await owner.caller.workspaces.members({ workspaceId })).invitations).toEqual([]);

    await owner.caller.workspaces.invite({ workspaceId, email: invitee.email, role: "viewer" });
    const [open] = (await owner.caller.workspaces.members({ workspaceId })).invitations!;
    await owner.caller.workspaces.revokeInvitation({ workspaceId, invitationId: open!.id });
    await expect(invitee.caller.invitations.accept({ id: open!.id })).rejects.toMatchObject({ message: "This invitation was revoked already." });

    await owner.caller.workspaces.invite({ workspaceId, email: invitee.email, role: "viewer" });
    const [late] = await invitee.caller.invitations.mine();
    clock.t += 7 * 86_400_000 + 1;
    try {
      expect(await invitee.caller.invitations.mine()).toEqual([]);
      await expect(invitee.caller.invitations.accept({ id: late!.id })).rejects.toMatchObject({ code: "BAD_REQUEST", message: expect.stringContaining("expired") });
      expect((await owner.caller.workspaces.members({ workspaceId })).invitations).toMatchObject([{ expired: true }]);
    } finally {
      clock.t -= 7 * 86_400_000 + 1;
    }
  });

  it("refuses bad invitations with a one-line message and a stable reason, changing nothing", async () => {
    const t = await team();
    const workspaceId = t.workspace.id;
    const admin = t.members.admin.caller;
    const before = await services.db.invitation.count({ where: { workspaceId } });
    const refusals: [() => Promise<unknown>, string, string | null, RegExp][] = [
      [() => admin.workspaces.invite({ workspaceId, email: "not-an-address", role: "developer" }), "BAD_REQUEST", null, /^email: Enter a valid email address\.$/],
      [() => admin.workspaces.invite({ workspaceId, email: t.members.viewer.email, role: "developer" }), "CONFLICT", "ALREADY_MEMBER", /is a member of this workspace already/],
      [() => admin.workspaces.invite({ workspaceId, email: uniqueEmail(), role: "owner" }), "FORBIDDEN", "ROLE_REQUIRED", /Only an owner can invite an owner/],
      [() => admin.workspaces.invite({ workspaceId, email: uniqueEmail(), role: "boss" as never }), "BAD_REQUEST", null, /role: A role is owner, admin, developer or viewer/],
      [() => t.members.owner.caller.workspaces.invite({ email: uniqueEmail(), role: "viewer" }), "BAD_REQUEST", "PERSONAL_WORKSPACE", /personal workspace/],
      [() => admin.workspaces.invite({ workspaceId: "../../etc", email: uniqueEmail(), role: "viewer" }), "BAD_REQUEST", null, /workspaceId: Not a workspace id/],
    ];
    for (const [attempt, code, reason, message] of refusals) {
      const error = await attempt().then(() => null, (e: { code: string; message: string; cause?: { code?: string } }) => e);
      expect(error, String(message)).toMatchObject({ code, message: expect.stringMatching(message) });
      // the stable reason clients see as data.reason
      if (reason) expect(error!.cause?.code).toBe(reason);
      expect(error!.message).not.toContain("\n");
    }
    expect(await services.db.invitation.count({ where: { workspaceId } })).toBe(before);
  });
});

describe("owners, roles and removal", () => {
  it("keeps at least one owner, and lets only owners make or unmake one", async () => {
    const owner = await person("owner");
    const { id: workspaceId } = await owner.caller.workspaces.create({ name: "Owners" });
    const admin = await person("admin");
    await services.db.membership.create({ data: { workspaceId, userId: admin.id, role: "admin" } });
    await expect(owner.caller.workspaces.setRole({ workspaceId, userId: owner.id, role: "admin" })).rejects.toMatchObject({ code: "CONFLICT", message: expect.stringContaining("only owner") });
    await expect(owner.caller.workspaces.leave({ workspaceId })).rejects.toMatchObject({ code: "CONFLICT", message: expect.stringContaining("only owner") });
    await expect(admin.caller.workspaces.setRole({ workspaceId, userId: admin.id, role: "owner" })).rejects.toMatchObject({ code: "FORBIDDEN", message: expect.stringContaining("Only an owner") });
    await expect(admin.caller.workspaces.setRole({ workspaceId, userId: owner.id, role: "viewer" })).rejects.toMatchObject({ code: "FORBIDDEN" });
    await expect(admin.caller.workspaces.removeMember({ workspaceId, userId: owner.id })).rejects.toMatchObject({ code: "FORBIDDEN", message: "Only an owner can remove an owner." });
    await expect(owner.caller.workspaces.setRole({ workspaceId, userId: "nobody", role: "viewer" })).rejects.toMatchObject({ code: "NOT_FOUND", message: "No such member." });
    expect(await services.db.membership.findMany({ where: { workspaceId }, select: { role: true }, orderBy: { role: "asc" } })).toEqual([{ role: "owner" }, { role: "admin" }]);

    // handed over, the first owner may step down
    await owner.caller.workspaces.setRole({ workspaceId, userId: admin.id, role: "owner" });
    await owner.caller.workspaces.setRole({ workspaceId, userId: owner.id, role: "viewer" });
    await expect(owner.caller.keys.create({ workspaceId, name: "as a viewer" })).rejects.toMatchObject({ code: "FORBIDDEN" });
    expect((await owner.caller.workspaces.get({ workspaceId })).role).toBe("viewer");
  });

  it("limits a workspace admin's key limits to the plan, while a platform admin may set any", async () => {
    const t = await team();
    const workspaceId = t.workspace.id;
    const id = t.key.record.id;
    await expect(t.members.admin.caller.keys.setLimits({ workspaceId, id, limits: { minute: 11, hour: null, day: null, month: null } }))
      .rejects.toMatchObject({ code: "BAD_REQUEST", message: expect.stringContaining("at most the workspace's 10") });
    expect(await services.db.apiKey.findUniqueOrThrow({ where: { id }, select: { limitMinute: true } })).toEqual({ limitMinute: null });
    await t.members.admin.caller.keys.setLimits({ workspaceId, id, limits: { minute: 3, hour: null, day: null, month: null } });
    expect(await services.verifier.verify(t.key.key)).toMatchObject({ limits: { minute: 3 } });
    await services.keys.setLimits(system, id, { minute: 500 });
    expect(await services.db.apiKey.findUniqueOrThrow({ where: { id }, select: { limitMinute: true } })).toEqual({ limitMinute: 500 });
    // limits that contradict each other are refused, whoever sets them, and nothing changes
    await expect(services.keys.setLimits(system, id, { day: 5_000, month: 100 })).rejects.toMatchObject({ code: "INVALID_INPUT", message: "The day limit (5,000) cannot be higher than the month limit (100)." });
    await expect(services.keys.setLimits(system, id, { hour: 400 })).rejects.toMatchObject({ code: "INVALID_INPUT", message: "The minute limit (500) cannot be higher than the hour limit (400)." });
    expect(await services.db.apiKey.findUniqueOrThrow({ where: { id }, select: { limitHour: true, limitDay: true, limitMonth: true } })).toEqual({ limitHour: null, limitDay: null, limitMonth: null });
    await expect(services.admin.workspaces.setLimits(system, workspaceId, { minute: 1_000 })).rejects.toMatchObject({ code: "INVALID_INPUT", message: "The minute limit (1,000) cannot be higher than the hour limit (100)." });
    expect(await services.db.workspace.findUniqueOrThrow({ where: { id: workspaceId }, select: { limitMinute: true } })).toEqual({ limitMinute: null });
  });

  it("a platform admin's plan change reaches the workspace's keys on their next request, audited against the workspace", async () => {
    const t = await team();
    expect(await services.verifier.verify(t.key.key)).toMatchObject({ limits: { minute: 10 }, workspace: { plan: "free" } });
    await services.admin.workspaces.setTier(system, t.workspace.id, "pro");
    expect(await services.verifier.verify(t.key.key)).toMatchObject({ limits: { minute: 100 }, workspace: { plan: "pro" } });
    const { rows } = await services.admin.audit.list({ target: t.workspace.id, action: "workspace.tier" });
    expect(rows).toMatchObject([{ targetWorkspaceId: t.workspace.id, targetWorkspaceName: t.workspace.name, before: { tier: "free" }, after: { tier: "pro" } }]);
    await expect(services.admin.workspaces.setTier(system, t.workspace.id, "nope")).rejects.toMatchObject({ code: "INVALID_TIER" });
  });

  it("the overview's data: the plan left in each window for all keys together, and the latest events without invitees' addresses for a viewer", async () => {
    const t = await team();
    const workspaceId = t.workspace.id;
    await services.verifier.verify(t.key.key, { ip: "203.0.113.40" });
    await services.verifier.verify(t.key.key, { ip: "203.0.113.40" });
    const quota = await t.members.viewer.caller.usage.workspaceQuota({ workspaceId });
    expect(quota.map((w) => [w.window, w.scope, w.used, w.limit])).toEqual([["minute", "workspace", 2, 10], ["hour", "workspace", 2, 100], ["day", "workspace", 2, 1000], ["month", "workspace", 2, 10000]]);
    const invitee = uniqueEmail();
    await t.members.owner.caller.workspaces.invite({ workspaceId, email: invitee, role: "developer" });
    const asViewer = await t.members.viewer.caller.workspaces.activity({ workspaceId });
    const asAdmin = await t.members.admin.caller.workspaces.activity({ workspaceId });
    expect(asViewer[0]).toMatchObject({ action: "invitation.create", actor: "owner", invitee: null, role: "developer" });
    expect(asAdmin[0]).toMatchObject({ action: "invitation.create", invitee });
    expect(JSON.stringify(asViewer)).not.toContain(invitee);
    expect(asViewer.some((e) => e.action === "key.create" && e.key?.id === t.key.record.id)).toBe(true);
    // the key's page: its history and its last verifications, newest first, with the client's address
    const key = await t.members.viewer.caller.keys.get({ workspaceId, id: t.key.record.id });
    expect(key.events.map((e) => e.action)).toEqual(["key.create"]);
    const recent = await t.members.viewer.caller.keys.recent({ workspaceId, id: t.key.record.id });
    expect(recent.map((r) => [r.code, r.ip])).toEqual([["VALID", "203.0.113.40"], ["VALID", "203.0.113.40"]]);
  });

  it("a key's metadata: a JSON object of at most 4 KiB, returned by verification from the next request; anything else refused, nothing changed", async () => {
    const t = await team();
    const workspaceId = t.workspace.id;
    const id = t.key.record.id;
    const dev = t.members.developer.caller;
    await dev.keys.setMetadata({ workspaceId, id, metadata: { plan: "gold", seats: 5, flags: { beta: true }, tags: ["a", "b"] } });
    services.verifier.invalidate({ keyId: id }); // (the bus does this in every process; here without waiting for it)
    expect(await services.verifier.verify(t.key.key)).toMatchObject({ valid: true, metadata: { plan: "gold", seats: 5, flags: { beta: true }, tags: ["a", "b"] } });
    for (const [metadata, message] of [
      [["not", "an", "object"], /Metadata is a JSON object/],
      ["text", /Metadata is a JSON object/],
      [{ big: "x".repeat(4_100) }, /at most 4,096 bytes/],
      [{ "": 1 }, /1 to 64 characters/],
    ] as const) {
      await expect(dev.keys.setMetadata({ workspaceId, id, metadata: metadata as never })).rejects.toMatchObject({ code: "BAD_REQUEST", message: expect.stringMatching(message) });
    }
    expect((await dev.keys.get({ workspaceId, id })).metadata).toEqual({ plan: "gold", seats: 5, flags: { beta: true }, tags: ["a", "b"] });
    expect((await dev.keys.get({ workspaceId, id })).events.map((e) => e.action)).toEqual(["key.create", "key.metadata"]);
    await expect(t.members.viewer.caller.keys.setMetadata({ workspaceId, id, metadata: {} })).rejects.toMatchObject({ code: "FORBIDDEN" });
  });

  it("never reaches a key through a workspace it does not belong to", async () => {
    const a = await team();
    const b = await team();
    // b's owner names their own workspace but a's key: no such key, nothing changed
    await expect(b.members.owner.caller.keys.revoke({ workspaceId: b.workspace.id, id: a.key.record.id })).rejects.toMatchObject({ code: "NOT_FOUND", message: "No such key." });
    await expect(b.members.owner.caller.usage.quota({ workspaceId: b.workspace.id, keyId: a.key.record.id })).rejects.toMatchObject({ code: "NOT_FOUND" });
    await expect(b.members.owner.caller.keys.get({ workspaceId: b.workspace.id, id: a.key.record.id })).rejects.toMatchObject({ code: "NOT_FOUND", message: "No such key." });
    await expect(b.members.owner.caller.keys.recent({ workspaceId: b.workspace.id, id: a.key.record.id })).rejects.toMatchObject({ code: "NOT_FOUND", message: "No such key." });
    await expect(b.members.owner.caller.keys.rename({ workspaceId: a.workspace.id, id: a.key.record.id, name: "x" })).rejects.toMatchObject({ code: "NOT_FOUND", message: "No such workspace." });
    expect(await services.verifier.verify(a.key.key)).toMatchObject({ valid: true });
  });

  it("a deleted workspace's keys stop at once; a deleted account's team keys stay with the team", async () => {
    const t = await team();
    const { key } = await t.members.developer.caller.keys.create({ workspaceId: t.workspace.id, name: "developer's" });
    // a team's only owner cannot delete their account
    const solo = await person("solo");
    await solo.caller.workspaces.create({ name: "Solo team" });
    await expect(solo.caller.settings.deleteAccount({ password: null, confirmEmail: solo.email })).rejects.toMatchObject({ code: "CONFLICT", message: expect.stringContaining("only owner of “Solo team”") });

    await t.members.developer.caller.settings.deleteAccount({ password: null, confirmEmail: t.members.developer.email });
    expect(await services.verifier.verify(key)).toMatchObject({ valid: true, ownerId: null, workspace: { id: t.workspace.id } });
    const listed = await t.members.owner.caller.keys.list({ workspaceId: t.workspace.id });
    expect(listed.find((k) => k.name === "developer's")?.user).toBeNull();

    await expect(t.members.owner.caller.workspaces.remove({ workspaceId: t.workspace.id, confirmName: "wrong" })).rejects.toMatchObject({ code: "BAD_REQUEST" });
    await t.members.owner.caller.workspaces.remove({ workspaceId: t.workspace.id, confirmName: t.workspace.name });
    expect(await services.verifier.verify(key)).toMatchObject({ valid: false, code: "INVALID_KEY" });
    await expect(t.members.owner.caller.workspaces.get({ workspaceId: t.workspace.id })).rejects.toMatchObject({ code: "NOT_FOUND" });
    await expect(t.members.owner.caller.workspaces.remove({ confirmName: "Personal" })).rejects.toMatchObject({ code: "BAD_REQUEST", message: expect.stringContaining("personal workspace") });
  });
});
