"use client";
// Answering an invitation (Join / Decline, one pair of buttons for the overview's card and the
// mailed link's page), and the overview's card of open invitations to the viewer's address.
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { useTRPC } from "~/trpc/client";
import { errorText } from "~/trpc/errors";
import { primary, secondary } from "./ui";
import { ROLE_LABEL, useSwitchWorkspace } from "./workspace";
import { useDates } from "~/lib/dates";

/** Join (then the portal shows that workspace, at `then` if given) or Decline. */
export function AnswerInvitation({ id, workspaceName, then, onDeclined, onError }: {
  id: string;
  workspaceName: string;
  then?: string;
  onDeclined: () => void;
  onError: (message: string) => void;
}) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const switchTo = useSwitchWorkspace();
  const accept = useMutation(trpc.invitations.accept.mutationOptions({
    onSuccess: (r) => {
      void queryClient.invalidateQueries({ queryKey: trpc.invitations.mine.queryKey() });
      switchTo(r.workspaceId, then);
    },
    onError: (e) => onError(errorText(e)),
  }));
  const decline = useMutation(trpc.invitations.decline.mutationOptions({ onSuccess: onDeclined, onError: (e) => onError(errorText(e)) }));
  const busy = accept.isPending || decline.isPending;
  return (
    <span className="flex flex-wrap justify-end gap-2">
      <button type="button" className={secondary} disabled={busy} onClick={() => decline.mutate({ id })}>Decline</button>
      <button type="button" className={primary} disabled={busy} onClick={() => accept.mutate({ id })}>
        {accept.isPending ? "Joining…" : `Join ${workspaceName}`}
      </button>
    </span>
  );
}

export function Invitations() {
  const { dateTime } = useDates();
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const mine = useQuery(trpc.invitations.mine.queryOptions());
  const [error, setError] = useState<string | null>(null);
  const refresh = () => queryClient.invalidateQueries({ queryKey: trpc.invitations.mine.queryKey() });
  if (!mine.data?.length) return null;
  return (
    <section aria-labelledby="invitations" className="rounded-lg border border-indigo-200 bg-surface p-5 shadow-sm">
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
            <AnswerInvitation id={i.id} workspaceName={i.workspaceName} onDeclined={() => void refresh()} onError={setError} />
          </li>
        ))}
      </ul>
    </section>
  );
}
