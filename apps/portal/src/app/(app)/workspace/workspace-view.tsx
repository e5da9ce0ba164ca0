"use client";
// The current workspace's page: its plan, members and their roles, invitations, leaving and
// deleting. Controls a role may not use are not shown; the server refuses them anyway.
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import Link from "next/link";
import { useState, type FormEvent } from "react";
import { ConfirmDialog, focusOnMount } from "~/components/dialog";
import { card, danger, input, primary, scrollX, secondary } from "~/components/ui";
import { can, ROLE_LABEL, useSwitchWorkspace, useWorkspace, type WorkspaceRole } from "~/components/workspace";
import { number as fmt } from "~/lib/format";
import { useDates } from "~/lib/dates";
import { useTRPC } from "~/trpc/client";
import { errorText } from "~/trpc/errors";

const ROLES: WorkspaceRole[] = ["owner", "admin", "developer", "viewer"];
const ROLE_HELP: Record<WorkspaceRole, string> = {
  owner: "plan, members, deleting the workspace",
  admin: "members and keys",
  developer: "keys and usage",
  viewer: "usage only",
};

function Loading() {
  return (
    <div aria-busy="true" aria-label="Loading the workspace" className="space-y-3">
      <div className="h-8 w-64 animate-pulse rounded bg-slate-200" />
      <div className="h-40 animate-pulse rounded-lg bg-slate-200" />
    </div>
  );
}

function InviteForm({ workspaceId, role }: { workspaceId: string; role: WorkspaceRole }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [error, setError] = useState<string | null>(null);
  const [sent, setSent] = useState<string | null>(null);
  const invite = useMutation(trpc.workspaces.invite.mutationOptions({ onSettled: () => queryClient.invalidateQueries({ queryKey: trpc.workspaces.members.queryKey() }) }));
  async function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = event.currentTarget;
    const data = new FormData(form);
    setError(null);
    setSent(null);
    try {
      const invitation = await invite.mutateAsync({ workspaceId, email: String(data.get("email") ?? ""), role: String(data.get("role")) as WorkspaceRole });
      setSent(invitation.email);
      form.reset();
    } catch (e) {
      setError(errorText(e));
    }
  }
  return (
    <form onSubmit={onSubmit} className="space-y-2" noValidate>
      <div className="flex flex-wrap items-end gap-2">
        <label className="min-w-0 flex-1 basis-60">
          <span className="mb-1 block text-sm font-medium text-slate-700">Email address</span>
          <input name="email" type="email" required maxLength={320} autoComplete="off" placeholder="name@company.com"
            aria-invalid={error ? true : undefined} aria-describedby={error ? "invite-error" : undefined} className={`${input} w-full`} />
        </label>
        <div className="min-w-0 max-w-full">
          <label htmlFor="invite-role" className="mb-1 block text-sm font-medium text-slate-700">Role</label>
          <select id="invite-role" name="role" defaultValue="developer" className={`${input} w-full max-w-full sm:w-auto`}>
            {ROLES.filter((r) => r !== "owner" || role === "owner").map((r) => (
              <option key={r} value={r}>{ROLE_LABEL[r]} — {ROLE_HELP[r]}</option>
            ))}
          </select>
        </div>
        <button type="submit" className={primary} disabled={invite.isPending}>{invite.isPending ? "Sending…" : "Send invitation"}</button>
      </div>
      {error && <p id="invite-error" role="alert" className="text-sm text-red-700">{error}</p>}
      {sent && <p role="status" className="text-sm text-emerald-700">Invitation mailed to {sent}. The link works for 7 days.</p>}
    </form>
  );
}

export function WorkspaceView({ viewerId }: { viewerId: string }) {
  const { dateTime } = useDates();
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const switchTo = useSwitchWorkspace();
  const { current } = useWorkspace();
  const workspaceId = current.id;
  const workspace = useQuery(trpc.workspaces.get.queryOptions({ workspaceId }));
  const members = useQuery(trpc.workspaces.members.queryOptions({ workspaceId }));
  const refresh = () => queryClient.invalidateQueries({ queryKey: trpc.workspaces.members.queryKey() });

  const [dialog, setDialog] = useState<null | { kind: "remove"; userId: string; label: string } | { kind: "leave" } | { kind: "delete" } | { kind: "revoke"; id: string; email: string }>(null);
  const [dialogError, setDialogError] = useState<string | null>(null);
  const [rowError, setRowError] = useState<string | null>(null);
  const [confirmName, setConfirmName] = useState("");
  const [renaming, setRenaming] = useState(false);
  const [renameError, setRenameError] = useState<string | null>(null);
  const close = () => { setDialog(null); setDialogError(null); setConfirmName(""); };

  const setRole = useMutation(trpc.workspaces.setRole.mutationOptions({ onSuccess: () => { setRowError(null); void refresh(); }, onError: (e) => { setRowError(errorText(e)); void refresh(); } }));
  const removeMember = useMutation(trpc.workspaces.removeMember.mutationOptions({ onSuccess: () => { close(); void refresh(); }, onError: (e) => setDialogError(errorText(e)) }));
  const revoke = useMutation(trpc.workspaces.revokeInvitation.mutationOptions({ onSuccess: () => { close(); void refresh(); }, onError: (e) => setDialogError(errorText(e)) }));
  const resend = useMutation(trpc.workspaces.invite.mutationOptions({ onSuccess: () => void refresh(), onError: (e) => setRowError(errorText(e)) }));
  const rename = useMutation(trpc.workspaces.rename.mutationOptions({ onSuccess: () => { setRenaming(false); setRenameError(null); switchTo(workspaceId); }, onError: (e) => setRenameError(errorText(e)) }));
  // leaving or deleting ends this workspace for the viewer: back to their personal one
  const gone = () => { close(); switchTo("", "/"); };
  const leave = useMutation(trpc.workspaces.leave.mutationOptions({ onSuccess: gone, onError: (e) => setDialogError(errorText(e)) }));
  const remove = useMutation(trpc.workspaces.remove.mutationOptions({ onSuccess: gone, onError: (e) => setDialogError(errorText(e)) }));

  if (workspace.isPending || members.isPending) return <Loading />;
  if (workspace.isError || members.isError) {
    return <p role="alert" className="rounded-md border border-red-200 bg-red-50 p-4 text-red-800">Could not load this workspace: {(workspace.error ?? members.error)?.message}</p>;
  }
  const w = workspace.data;
  const isAdmin = can(w.role, "admin");
  const isOwner = w.role === "owner";

  return (
    <section className="space-y-6">
      <div className="space-y-1">
        {renaming ? (
          <form className="flex flex-wrap items-center gap-2" onSubmit={(e) => { e.preventDefault(); rename.mutate({ workspaceId, name: String(new FormData(e.currentTarget).get("name") ?? "") }); }}>
            <label className="sr-only" htmlFor="workspace-name">Workspace name</label>
            <input id="workspace-name" name="name" defaultValue={w.name} maxLength={64} ref={focusOnMount} required className={`${input} text-lg`}
              aria-invalid={renameError ? true : undefined} aria-describedby={renameError ? "rename-error" : undefined}
              onKeyDown={(e) => e.key === "Escape" && setRenaming(false)} />
            <button type="submit" className={primary} disabled={rename.isPending}>Save</button>
            <button type="button" className={secondary} onClick={() => { setRenaming(false); setRenameError(null); }}>Cancel</button>
            {renameError && <p id="rename-error" role="alert" className="basis-full text-sm text-red-700">{renameError}</p>}
          </form>
        ) : (
          <div className="flex flex-wrap items-center gap-3">
            <h1 className="text-2xl font-semibold break-words">{w.name}</h1>
            {isAdmin && !w.personal && <button type="button" className={secondary} onClick={() => setRenaming(true)}>Rename</button>}
          </div>
        )}
        <p className="text-sm text-slate-600">
          {w.personal ? "Your personal workspace: only you. " : `You are ${ROLE_LABEL[w.role].toLowerCase()} here (${ROLE_HELP[w.role]}). `}
          Plan <span className="font-medium capitalize">{w.plan.name}</span>: {fmt.format(w.limits.minute)} a minute, {fmt.format(w.limits.hour)} an hour, {fmt.format(w.limits.day)} a day and {fmt.format(w.limits.month)} a month, for all its keys together.
        </p>
      </div>

      {w.personal ? (
        <div className="rounded-xl border border-dashed border-slate-300 bg-surface p-8 text-center">
          <h2 className="text-lg font-medium">Work with others in a team</h2>
          <p className="mx-auto mt-1 max-w-md text-sm text-slate-600">A team workspace holds keys and a plan that its members share. Invite people by email and give each a role.</p>
          <Link href="/workspaces/new" className={`${primary} mt-4 inline-block`}>Create a team workspace</Link>
        </div>
      ) : (
        <>
          <div className={card}>
            <div className="border-b border-slate-200 px-4 py-3">
              <h2 className="font-medium">Members <span className="text-sm font-normal text-slate-500">({members.data.members.length})</span></h2>
            </div>
            {rowError && <p role="alert" className="mx-4 mt-3 rounded-md bg-red-50 px-3 py-2 text-sm text-red-800">{rowError}</p>}
            <div className={scrollX}>
              <table className="w-full min-w-[40rem] text-left text-sm">
                <thead className="text-slate-600">
                  <tr className="border-b border-slate-100">
                    <th scope="col" className="px-4 py-2 font-medium">Member</th>
                    <th scope="col" className="px-4 py-2 font-medium">Role</th>
                    <th scope="col" className="px-4 py-2 font-medium">Joined</th>
                    <th scope="col" className="px-4 py-2"><span className="sr-only">Actions</span></th>
                  </tr>
                </thead>
                <tbody>
                  {members.data.members.map((m) => {
                    const self = m.userId === viewerId;
                    // admins manage everyone but owners; owners manage everyone
                    const manageable = isAdmin && !self && (isOwner || m.role !== "owner");
                    return (
                      <tr key={m.userId} className="border-b border-slate-100 last:border-0" data-testid={`member-${m.email}`}>
                        <td className="px-4 py-2">
                          <span className="block font-medium text-slate-900">{m.name ?? m.email}{self && <span className="font-normal text-slate-500"> (you)</span>}</span>
                          {m.name && <span className="block text-xs text-slate-500">{m.email}</span>}
                        </td>
                        <td className="px-4 py-2">
                          {manageable ? (
                            <select aria-label={`Role of ${m.email}`} value={m.role} disabled={setRole.isPending} className={input}
                              onChange={(e) => setRole.mutate({ workspaceId, userId: m.userId, role: e.target.value as WorkspaceRole })}>
                              {ROLES.filter((r) => r !== "owner" || isOwner).map((r) => <option key={r} value={r}>{ROLE_LABEL[r]}</option>)}
                            </select>
                          ) : ROLE_LABEL[m.role]}
                        </td>
                        <td className="px-4 py-2 whitespace-nowrap">{dateTime(m.createdAt)}</td>
                        <td className="px-4 py-2 text-right whitespace-nowrap">
                          {self ? (
                            <button type="button" className={secondary} onClick={() => setDialog({ kind: "leave" })}>Leave</button>
                          ) : manageable ? (
                            <button type="button" className={secondary} onClick={() => setDialog({ kind: "remove", userId: m.userId, label: m.name ?? m.email })}>Remove</button>
                          ) : null}
                        </td>
                      </tr>
                    );
                  })}
                </tbody>
              </table>
            </div>
          </div>

          {isAdmin && (
            <div className={`${card} space-y-4 p-4`}>
              <div>
                <h2 className="font-medium">Invite people</h2>
                <p className="text-sm text-slate-600">They get a link by email, valid for 7 days, to join with the role you choose.</p>
              </div>
              <InviteForm workspaceId={workspaceId} role={w.role} />
              {members.data.invitations && members.data.invitations.length > 0 && (
                <div className={scrollX}>
                  <table className="w-full min-w-[40rem] text-left text-sm">
                    <caption className="py-2 text-left font-medium text-slate-700">Open invitations</caption>
                    <thead className="text-slate-600">
                      <tr className="border-b border-slate-100">
                        <th scope="col" className="px-2 py-2 font-medium">Email</th>
                        <th scope="col" className="px-2 py-2 font-medium">Role</th>
                        <th scope="col" className="px-2 py-2 font-medium">Invited by</th>
                        <th scope="col" className="px-2 py-2 font-medium">Link works until</th>
                        <th scope="col" className="px-2 py-2"><span className="sr-only">Actions</span></th>
                      </tr>
                    </thead>
                    <tbody>
                      {members.data.invitations.map((i) => (
                        <tr key={i.id} className="border-b border-slate-100 last:border-0" data-testid={`invitation-${i.email}`}>
                          <td className="px-2 py-2 whitespace-nowrap">{i.email}</td>
                          <td className="px-2 py-2">{ROLE_LABEL[i.role]}</td>
                          <td className="px-2 py-2">{i.invitedBy?.name ?? i.invitedBy?.email ?? "—"}</td>
                          <td className="px-2 py-2 whitespace-nowrap">{i.expired ? <span className="text-amber-700">Expired</span> : dateTime(i.expires)}</td>
                          <td className="px-2 py-2 text-right whitespace-nowrap">
                            {(isOwner || i.role !== "owner") && (
                              <span className="inline-flex gap-2">
                                <button type="button" className={secondary} disabled={resend.isPending} onClick={() => resend.mutate({ workspaceId, email: i.email, role: i.role })}>Resend</button>
                                <button type="button" className={secondary} onClick={() => setDialog({ kind: "revoke", id: i.id, email: i.email })}>Revoke</button>
                              </span>
                            )}
                          </td>
                        </tr>
                      ))}
                    </tbody>
                  </table>
                </div>
              )}
            </div>
          )}

          {isOwner && (
            <div className="rounded-xl border border-red-200 bg-surface p-4">
              <h2 className="font-medium text-red-800">Delete this workspace</h2>
              <p className="mt-1 text-sm text-slate-600">Its keys stop working at once, and its members lose it. Usage history and the audit log stay.</p>
              <button type="button" className={`${danger} mt-3`} onClick={() => setDialog({ kind: "delete" })}>Delete workspace</button>
            </div>
          )}
        </>
      )}

      <ConfirmDialog open={dialog?.kind === "remove"} onClose={close} title="Remove this member?" error={dialogError}
        confirm="Remove member" pendingLabel="Removing…" pending={removeMember.isPending}
        onConfirm={() => dialog?.kind === "remove" && removeMember.mutate({ workspaceId, userId: dialog.userId })}>
        {dialog?.kind === "remove" && <><strong>{dialog.label}</strong> loses access to {w.name} at once. Keys they created stay with the workspace and keep working.</>}
      </ConfirmDialog>

      <ConfirmDialog open={dialog?.kind === "leave"} onClose={close} title={`Leave ${w.name}?`} error={dialogError}
        confirm="Leave workspace" pendingLabel="Leaving…" pending={leave.isPending}
        onConfirm={() => leave.mutate({ workspaceId })}>
        You lose access to its keys and usage. An admin can invite you again. Keys you created stay with the workspace.
      </ConfirmDialog>

      <ConfirmDialog open={dialog?.kind === "revoke"} onClose={close} title="Revoke this invitation?" error={dialogError}
        confirm="Revoke invitation" pendingLabel="Revoking…" pending={revoke.isPending}
        onConfirm={() => dialog?.kind === "revoke" && revoke.mutate({ workspaceId, invitationId: dialog.id })}>
        {dialog?.kind === "revoke" && <>The link mailed to <strong>{dialog.email}</strong> stops working.</>}
      </ConfirmDialog>

      <ConfirmDialog open={dialog?.kind === "delete"} onClose={close} title={`Delete ${w.name}?`} error={dialogError}
        confirm="Delete workspace" pendingLabel="Deleting…" pending={remove.isPending}
        onConfirm={() => remove.mutate({ workspaceId, confirmName })}>
        <span className="block">Every key of this workspace stops working within a second, for good. This cannot be undone.</span>
        <label className="mt-3 block">
          <span className="mb-1 block text-sm font-medium text-slate-700">Type <strong>{w.name}</strong> to confirm</span>
          <input value={confirmName} onChange={(e) => setConfirmName(e.target.value)} className={`${input} w-full`} autoComplete="off" />
        </label>
      </ConfirmDialog>
    </section>
  );
}
