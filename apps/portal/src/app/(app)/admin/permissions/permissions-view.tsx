"use client";
// The permission catalogue: the permissions keys may be granted (by their workspaces' admins) and
// the roles that bundle them. Removing one takes it from every key at once, so it asks first.
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState, type FormEvent } from "react";
import { ConfirmDialog, Dialog, DialogFooter } from "~/components/dialog";
import { Field } from "~/components/field";
import { PermissionPicker, type Grants } from "~/components/key-policy";
import { useNotify } from "~/components/toast";
import { card, primary, scrollX, secondary } from "~/components/ui";
import { number as fmt } from "~/lib/format";
import { errorText, fieldErrors, formError } from "~/trpc/errors";
import { useTRPC } from "~/trpc/client";
import type { RouterOutputs } from "~/trpc/types";

type Permission = RouterOutputs["admin"]["permissions"]["list"][number];
type Role = RouterOutputs["admin"]["roles"]["list"][number];
const keysText = (n: number) => `${fmt.format(n)} key${n === 1 ? "" : "s"}`;

/** A row's Edit and Delete (each names what it acts on, for screen readers). */
function RowActions({ name, onEdit, onDelete }: { name: string; onEdit: () => void; onDelete: () => void }) {
  return (
    <td className="px-3 py-2">
      <div className="flex justify-end gap-2">
        <button type="button" className={secondary} onClick={onEdit} aria-label={`Edit ${name}`}>Edit</button>
        <button type="button" className={secondary} onClick={onDelete} aria-label={`Delete ${name}`}>Delete</button>
      </div>
    </td>
  );
}

export function PermissionsView() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const notify = useNotify();
  const permissions = useQuery(trpc.admin.permissions.list.queryOptions());
  const roles = useQuery(trpc.admin.roles.list.queryOptions());
  const [dialog, setDialog] = useState<null | { kind: "edit-permission" | "delete-permission"; permission: Permission } | { kind: "new-role" } | { kind: "edit-role" | "delete-role"; role: Role }>(null);
  const [failure, setFailure] = useState<unknown>(null);
  const [createFailure, setCreateFailure] = useState<unknown>(null);
  const [picked, setPicked] = useState<Grants>({ permissions: [], roles: [] });
  const refresh = () => queryClient.invalidateQueries({ queryKey: trpc.admin.pathKey() });
  const done = (message: string) => async () => {
    setDialog(null);
    setFailure(null);
    notify(message);
    await refresh();
  };
  const onError = (e: unknown) => setFailure(e);
  const createPermission = useMutation(trpc.admin.permissions.create.mutationOptions({ onError: setCreateFailure }));
  const updatePermission = useMutation(trpc.admin.permissions.update.mutationOptions({ onSuccess: done("Description saved."), onError }));
  const removePermission = useMutation(trpc.admin.permissions.remove.mutationOptions({ onSuccess: done("Permission removed from the catalogue, its roles and its keys."), onError }));
  const createRole = useMutation(trpc.admin.roles.create.mutationOptions({ onSuccess: done("Role created."), onError }));
  const updateRole = useMutation(trpc.admin.roles.update.mutationOptions({ onSuccess: done("Role saved: its keys hold the new set from their next request."), onError }));
  const removeRole = useMutation(trpc.admin.roles.remove.mutationOptions({ onSuccess: done("Role deleted."), onError }));

  async function onCreatePermission(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const formElement = event.currentTarget;
    const form = new FormData(formElement);
    try {
      await createPermission.mutateAsync({ name: String(form.get("name") ?? ""), description: String(form.get("description") ?? "") });
      setCreateFailure(null);
      formElement.reset();
      notify("Permission added: workspace admins can grant it now.");
      await refresh();
    } catch {
      // shown beside the field
    }
  }

  const open = (d: NonNullable<typeof dialog>) => {
    setFailure(null);
    if (d.kind === "edit-role") setPicked({ permissions: d.role.permissions, roles: [] });
    if (d.kind === "new-role") setPicked({ permissions: [], roles: [] });
    setDialog(d);
  };
  const createErrors = fieldErrors(createFailure);

  return (
    <section className="space-y-8">
      <div>
        <h1 className="text-2xl font-semibold">Permissions</h1>
        <p className="text-sm text-slate-600">
          The catalogue keys are granted from. Your services ask for permissions when they verify a key
          (<code className="font-mono text-xs">orders.read AND (orders.write OR admin)</code>); a key passes when it holds them, on their own or through a role.
        </p>
      </div>

      <section aria-labelledby="catalogue" className="space-y-3">
        <h2 id="catalogue" className="text-lg font-medium">Catalogue</h2>
        <form onSubmit={onCreatePermission} className={`${card} flex flex-wrap items-start gap-3 p-4`} noValidate>
          <Field label="Name" name="name" idPrefix="perm" width="w-56" required placeholder="orders.read" error={createErrors.name ?? (createFailure && !createErrors.description ? errorText(createFailure) : null)}
            hint="Letters, digits and . _ : * -; resource.action reads best." />
          <div className="min-w-0 flex-1 basis-64">
            <Field label="Description" name="description" idPrefix="perm" maxLength={200} placeholder="Read orders" error={createErrors.description} />
          </div>
          <button type="submit" className={`${primary} sm:mt-6`} disabled={createPermission.isPending}>{createPermission.isPending ? "Adding…" : "Add permission"}</button>
        </form>
        <div className={`${card} ${scrollX}`}>
          {permissions.isPending ? <div aria-busy="true" aria-label="Loading permissions" className="m-4 h-24 animate-pulse rounded bg-slate-100" />
            : permissions.isError ? <p role="alert" className="p-4 text-sm text-red-700">Could not load the permissions: {permissions.error.message}</p>
            : permissions.data.length === 0 ? <p className="p-6 text-center text-sm text-slate-600">No permission yet. Add the first above, such as <code className="font-mono">orders.read</code>.</p>
            : (
              <table className="w-full min-w-[36rem] text-left text-sm" data-testid="permissions-table">
                <thead className="border-b border-slate-200 text-slate-600">
                  <tr><th className="px-3 py-2 font-medium">Permission</th><th className="px-3 py-2 font-medium">In roles</th><th className="px-3 py-2 text-right font-medium">Keys</th><th className="px-3 py-2"><span className="sr-only">Actions</span></th></tr>
                </thead>
                <tbody className="divide-y divide-slate-100">
                  {permissions.data.map((p) => (
                    <tr key={p.name} data-testid={`permission-${p.name}`}>
                      <td className="px-3 py-2"><code className="break-all font-mono text-xs font-medium">{p.name}</code>{p.description && <span className="block text-xs text-slate-600">{p.description}</span>}</td>
                      <td className="px-3 py-2 text-slate-700">{p.roles.join(", ") || <span className="text-slate-500">none</span>}</td>
                      <td className="px-3 py-2 text-right tabular-nums" title="Keys that hold it on their own">{fmt.format(p.keys)}</td>
                      <RowActions name={p.name} onEdit={() => open({ kind: "edit-permission", permission: p })} onDelete={() => open({ kind: "delete-permission", permission: p })} />
                    </tr>
                  ))}
                </tbody>
              </table>
            )}
        </div>
      </section>

      <section aria-labelledby="roles" className="space-y-3">
        <div className="flex flex-wrap items-end justify-between gap-3">
          <div>
            <h2 id="roles" className="text-lg font-medium">Roles</h2>
            <p className="text-sm text-slate-600">Named sets of permissions: a key granted a role holds all of them, and follows the role when it changes.</p>
          </div>
          <button type="button" className={primary} onClick={() => open({ kind: "new-role" })} disabled={!permissions.data?.length}>New role</button>
        </div>
        <div className={`${card} ${scrollX}`}>
          {roles.isPending ? <div aria-busy="true" aria-label="Loading roles" className="m-4 h-24 animate-pulse rounded bg-slate-100" />
            : roles.isError ? <p role="alert" className="p-4 text-sm text-red-700">Could not load the roles: {roles.error.message}</p>
            : roles.data.length === 0 ? <p className="p-6 text-center text-sm text-slate-600">No role yet{permissions.data?.length ? "." : ": add permissions first."}</p>
            : (
              <table className="w-full min-w-[36rem] text-left text-sm" data-testid="roles-table">
                <thead className="border-b border-slate-200 text-slate-600">
                  <tr><th className="px-3 py-2 font-medium">Role</th><th className="px-3 py-2 font-medium">Permissions</th><th className="px-3 py-2 text-right font-medium">Keys</th><th className="px-3 py-2"><span className="sr-only">Actions</span></th></tr>
                </thead>
                <tbody className="divide-y divide-slate-100">
                  {roles.data.map((r) => (
                    <tr key={r.name} data-testid={`role-${r.name}`}>
                      <td className="px-3 py-2"><span className="font-medium">{r.name}</span>{r.description && <span className="block text-xs text-slate-600">{r.description}</span>}</td>
                      <td className="px-3 py-2"><span className="break-words font-mono text-xs">{r.permissions.join(", ") || <span className="font-sans text-slate-500">none</span>}</span></td>
                      <td className="px-3 py-2 text-right tabular-nums">{fmt.format(r.keys)}</td>
                      <RowActions name={r.name} onEdit={() => open({ kind: "edit-role", role: r })} onDelete={() => open({ kind: "delete-role", role: r })} />
                    </tr>
                  ))}
                </tbody>
              </table>
            )}
        </div>
      </section>

      {dialog?.kind === "edit-permission" && (
        <Dialog open onClose={() => setDialog(null)} title={`Edit ${dialog.permission.name}`}>
          <form className="space-y-4" onSubmit={(e) => { e.preventDefault(); updatePermission.mutate({ name: dialog.permission.name, description: String(new FormData(e.currentTarget).get("description") ?? "") }); }}>
            <Field label="Description" name="description" idPrefix="edit-perm" maxLength={200} defaultValue={dialog.permission.description} error={fieldErrors(failure).description} />
            <p className="text-xs text-slate-600">A permission&apos;s name cannot change: services ask for it by name.</p>
            <DialogFooter error={formError(failure, ["description"])} onCancel={() => setDialog(null)}>
              <button type="submit" className={primary} disabled={updatePermission.isPending}>{updatePermission.isPending ? "Saving…" : "Save"}</button>
            </DialogFooter>
          </form>
        </Dialog>
      )}

      {dialog?.kind === "delete-permission" && (
        <ConfirmDialog open onClose={() => setDialog(null)} title={`Delete ${dialog.permission.name}?`} error={formError(failure, [])}
          confirm="Delete permission" pendingLabel="Deleting…" pending={removePermission.isPending} onConfirm={() => removePermission.mutate({ name: dialog.permission.name })}>
          {keysText(dialog.permission.keys)} hold it on their own{dialog.permission.roles.length ? `, and it leaves the roles ${dialog.permission.roles.join(", ")}` : ""}.
          They lose it within a second: requests that ask for it are refused with 403 INSUFFICIENT_PERMISSIONS. This cannot be undone.
        </ConfirmDialog>
      )}

      {(dialog?.kind === "new-role" || dialog?.kind === "edit-role") && (
        <Dialog open onClose={() => setDialog(null)} title={dialog.kind === "edit-role" ? `Edit the ${dialog.role.name} role` : "New role"}>
          <form className="space-y-4" noValidate onSubmit={(e) => {
            e.preventDefault();
            const form = new FormData(e.currentTarget);
            const description = String(form.get("description") ?? "");
            if (dialog.kind === "edit-role") updateRole.mutate({ name: dialog.role.name, description, permissions: picked.permissions });
            else createRole.mutate({ name: String(form.get("name") ?? ""), description, permissions: picked.permissions });
          }}>
            {dialog.kind === "new-role" && <Field label="Name" name="name" idPrefix="role" required placeholder="e.g. support" error={fieldErrors(failure).name} />}
            <Field label="Description" name="description" idPrefix="role" maxLength={200} defaultValue={dialog.kind === "edit-role" ? dialog.role.description : ""} error={fieldErrors(failure).description} />
            {dialog.kind === "edit-role" && dialog.role.keys > 0 && <p className="rounded-md bg-slate-50 px-3 py-2 text-sm text-slate-700">{keysText(dialog.role.keys)} hold this role: they follow the change from their next request.</p>}
            <div className="max-h-72 overflow-y-auto pr-1">
              <PermissionPicker catalogue={{ permissions: (permissions.data ?? []).map((p) => ({ name: p.name, description: p.description })), roles: [] }} value={picked} onChange={setPicked} idPrefix="role" />
            </div>
            {fieldErrors(failure).permissions && <p role="alert" className="text-sm text-red-700">{fieldErrors(failure).permissions}</p>}
            <DialogFooter error={formError(failure, ["name", "description", "permissions"])} onCancel={() => setDialog(null)}>
              <button type="submit" className={primary} disabled={createRole.isPending || updateRole.isPending}>{createRole.isPending || updateRole.isPending ? "Saving…" : dialog.kind === "edit-role" ? "Save role" : "Create role"}</button>
            </DialogFooter>
          </form>
        </Dialog>
      )}

      {dialog?.kind === "delete-role" && (
        <ConfirmDialog open onClose={() => setDialog(null)} title={`Delete the ${dialog.role.name} role?`} error={formError(failure, [])}
          confirm="Delete role" pendingLabel="Deleting…" pending={removeRole.isPending} onConfirm={() => removeRole.mutate({ name: dialog.role.name })}>
          {keysText(dialog.role.keys)} hold it: they lose its permissions within a second (permissions granted to them on their own stay). This cannot be undone.
        </ConfirmDialog>
      )}
    </section>
  );
}
