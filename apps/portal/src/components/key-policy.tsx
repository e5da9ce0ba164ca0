"use client";
// A key's policy as the portal shows and edits it: the test badge, the permission picker (the
// platform's catalogue grouped by resource, and its roles, as Stripe's restricted-key page
// lists resources), and how long a key of the workspace's plan may live.
import type { RouterOutputs } from "~/trpc/types";

export type Catalogue = RouterOutputs["keys"]["catalogue"];
export type Environment = "live" | "test";

/** "Test" beside a test key's name (a live key, the usual kind, has no badge). */
export function EnvironmentBadge({ environment }: { environment: Environment }) {
  if (environment !== "test") return null;
  return <span className="rounded-full bg-amber-50 px-2 py-0.5 text-xs font-medium text-amber-800 ring-1 ring-amber-200" data-testid="test-badge">Test</span>;
}

/** The resource a permission is about: "orders" for "orders.read" (the part before the last dot). */
const resourceOf = (name: string) => (name.includes(".") ? name.slice(0, name.lastIndexOf(".")) : "Other");

export interface Grants {
  permissions: string[];
  roles: string[];
}

/**
 * Checkboxes for the catalogue's permissions, grouped by resource, and for its roles. Controlled:
 * `value` is what is ticked, `onChange` gets the new selection.
 */
export function PermissionPicker({ catalogue, value, onChange, disabled = false, idPrefix = "perm" }: {
  catalogue: Catalogue;
  value: Grants;
  onChange: (next: Grants) => void;
  disabled?: boolean;
  idPrefix?: string;
}) {
  const groups = new Map<string, Catalogue["permissions"]>();
  for (const p of catalogue.permissions) groups.set(resourceOf(p.name), [...(groups.get(resourceOf(p.name)) ?? []), p]);
  const toggle = (kind: keyof Grants, name: string, on: boolean) =>
    onChange({ ...value, [kind]: on ? [...value[kind], name].sort() : value[kind].filter((n) => n !== name) });
  if (catalogue.permissions.length === 0) {
    return <p className="text-sm text-slate-600">The platform has no permissions in its catalogue yet: its admins add them under Admin → Permissions.</p>;
  }
  return (
    <div className="space-y-3" data-testid="permission-picker">
      {[...groups].map(([resource, permissions]) => (
        <fieldset key={resource} className="rounded-md border border-slate-200 p-3" disabled={disabled}>
          <legend className="px-1 text-sm font-medium text-slate-700">{resource}</legend>
          <div className="grid gap-1.5 sm:grid-cols-2">
            {permissions.map((p) => (
              <label key={p.name} htmlFor={`${idPrefix}-p-${p.name}`} className="flex min-w-0 items-start gap-2 text-sm">
                <input id={`${idPrefix}-p-${p.name}`} type="checkbox" className="mt-0.5" checked={value.permissions.includes(p.name)}
                  onChange={(e) => toggle("permissions", p.name, e.target.checked)} />
                <span className="min-w-0">
                  <code className="break-all font-mono text-xs">{p.name}</code>
                  {p.description && <span className="block text-xs text-slate-600">{p.description}</span>}
                </span>
              </label>
            ))}
          </div>
        </fieldset>
      ))}
      {catalogue.roles.length > 0 && (
        <fieldset className="rounded-md border border-slate-200 p-3" disabled={disabled}>
          <legend className="px-1 text-sm font-medium text-slate-700">Roles</legend>
          <div className="grid gap-1.5">
            {catalogue.roles.map((r) => (
              <label key={r.name} htmlFor={`${idPrefix}-r-${r.name}`} className="flex min-w-0 items-start gap-2 text-sm">
                <input id={`${idPrefix}-r-${r.name}`} type="checkbox" className="mt-0.5" checked={value.roles.includes(r.name)}
                  onChange={(e) => toggle("roles", r.name, e.target.checked)} />
                <span className="min-w-0 font-medium">
                  {r.name}
                  <span className="block break-words text-xs font-normal text-slate-600">{r.permissions.length ? `Holds ${r.permissions.join(", ")}` : "Holds no permission yet"}{r.description ? ` · ${r.description}` : ""}</span>
                </span>
              </label>
            ))}
          </div>
        </fieldset>
      )}
    </div>
  );
}

/** The expiry choices of the new-key form, in days (0: never), and which the plan allows. */
export const EXPIRY_CHOICES = [
  [0, "Never"], [7, "In 7 days"], [30, "In 30 days"], [90, "In 90 days"], [365, "In a year"],
] as const;
export const allowedExpiry = (days: number, maxDays: number | null | undefined) => maxDays == null || (days > 0 && days <= maxDays);
