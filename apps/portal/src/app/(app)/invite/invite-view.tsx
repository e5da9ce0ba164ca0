"use client";
// A mailed invitation's page: what it is for, and Join / Decline. Answering is a POST (a mutation),
// never the GET a mail scanner makes by opening the link.
import { useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { useState } from "react";
import { AnswerInvitation } from "~/components/invitations";
import { card, secondary } from "~/components/ui";
import { ROLE_LABEL } from "~/components/workspace";
import { useDates } from "~/lib/dates";
import { useTRPC } from "~/trpc/client";

export function InviteView({ token }: { token: string }) {
  const { dateTime } = useDates();
  const trpc = useTRPC();
  const [error, setError] = useState<string | null>(null);
  const [declined, setDeclined] = useState(false);
  const preview = useQuery({ ...trpc.invitations.preview.queryOptions({ token }), enabled: token !== "", retry: false });

  const frame = (body: React.ReactNode) => <section className={`${card} mx-auto max-w-lg space-y-4 p-6`}>{body}</section>;
  if (!token) return frame(<p role="alert" className="text-red-800">This invitation link is incomplete: open it from the mail again.</p>);
  if (preview.isPending) return frame(<div aria-busy="true" aria-label="Loading the invitation" className="h-24 animate-pulse rounded bg-slate-200" />);
  if (preview.isError) return frame(<><h1 className="text-xl font-semibold">Invitation</h1><p role="alert" className="text-red-800">{preview.error.message}</p><Link href="/" className={secondary}>Go to your overview</Link></>);
  const i = preview.data;
  const inviter = i.invitedBy?.name ?? i.invitedBy?.email ?? "Someone";
  if (declined) return frame(<><h1 className="text-xl font-semibold">Invitation declined</h1><p className="text-sm text-slate-700">You did not join {i.workspaceName}. {inviter} can invite you again.</p><Link href="/" className={secondary}>Go to your overview</Link></>);
  return frame(
    <>
      <h1 className="text-xl font-semibold">Join {i.workspaceName}</h1>
      <p className="text-sm text-slate-700">
        <strong>{inviter}</strong> invited <strong>{i.email}</strong> to the workspace <strong>{i.workspaceName}</strong> as {ROLE_LABEL[i.role].toLowerCase()}.
      </p>
      {i.status !== "pending" ? (
        <p role="alert" className="rounded-md bg-amber-50 px-3 py-2 text-sm text-amber-900">This invitation was {i.status} already.</p>
      ) : i.expired ? (
        <p role="alert" className="rounded-md bg-amber-50 px-3 py-2 text-sm text-amber-900">This invitation expired on {dateTime(i.expires)}: ask {inviter} for a new one.</p>
      ) : !i.forYou ? (
        <p role="alert" className="rounded-md bg-amber-50 px-3 py-2 text-sm text-amber-900">
          You are signed in with another address. Sign out, then sign in or create an account with {i.email} to accept.
        </p>
      ) : (
        <>
          {error && <p role="alert" className="rounded-md bg-red-50 px-3 py-2 text-sm text-red-800">{error}</p>}
          <AnswerInvitation id={i.id} workspaceName={i.workspaceName} then="/" onDeclined={() => setDeclined(true)} onError={setError} />
        </>
      )}
    </>,
  );
}
