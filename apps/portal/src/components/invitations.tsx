"use client";
// Open invitations to the viewer's address, on the overview: join or decline in place.
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { useTRPC } from "~/trpc/client";
import { errorText } from "~/trpc/errors";
import { primary, secondary } from "./ui";
import { ROLE_LABEL, useSwitchWorkspace } from "./workspace";
import { dateTime } from "~/lib/format";

export function Invitations() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const switchTo = useSwitchWorkspace();
  const mine = useQuery(trpc.invitations.mine.queryOptions());
  const [error, setError] = useState<string | null>(null);
  const refresh = () => queryClient.invalidateQueries({ queryKey: trpc.invitations.mine.queryKey() });
  const accept = useMutation(trpc.invitations.accept.mutationOptions({ onSuccess: (r) => { void refresh(); switchTo(r.workspaceId); }, onError: (e) => setError(errorText(e)) }));
  const decline = useMutation(trpc.invitations.decline.mutationOptions({ onSuccess: refresh, onError: (e) => setError(errorText(e)) }));
  if (!mine.data?.length) return null;
  return (
    <section aria-labelledby="invitations" className="rounded-lg border border-indigo-200 bg-white p-5 shadow-sm">
      <h2 id="invitations" className="text-lg font-medium">Invitations</h2>
      {error && <p role="alert" className="mt-2 rounded-md bg-red-50 px-3 py-2 text-sm text-red-800">{error}</p>}
      <ul className="mt-3 divide-y divide-slate-100">
        {mine.data.map((i) => (
          <li key={i.id} className="flex flex-wrap items-center justify-between gap-3 py-3" data-testid="invitation">
            <p className="min-w-0 text-sm text-slate-700">
              <span className="font-medium text-slate-900">{i.invitedBy?.name ?? i.invitedBy?.email ?? "Someone"}</span> invited you to{" "}
              <span className="font-medium text-slate-900">{i.workspaceName}</span> as {ROLE_LABEL[i.role].toLowerCase()}.
              <span className="block text-xs text-slate-500">Open until {dateTime(i.expires)}</span>
            </p>
            <span className="flex gap-2">
              <button type="button" className={secondary} disabled={decline.isPending || accept.isPending} onClick={() => decline.mutate({ id: i.id })}>Decline</button>
              <button type="button" className={primary} disabled={accept.isPending || decline.isPending} onClick={() => accept.mutate({ id: i.id })}>
                {accept.isPending ? "Joining…" : `Join ${i.workspaceName}`}
              </button>
            </span>
          </li>
        ))}
      </ul>
    </section>
  );
}
