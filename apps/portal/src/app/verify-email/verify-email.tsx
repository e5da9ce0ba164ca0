"use client";
import { useMutation } from "@tanstack/react-query";
import { useEffect, useRef } from "react";
import { useTRPC } from "~/trpc/client";
import { errorText } from "~/trpc/errors";
import { primaryLarge } from "~/components/ui";

export function VerifyEmail({ token }: { token: string }) {
  const trpc = useTRPC();
  const verify = useMutation(trpc.account.verifyEmail.mutationOptions());
  const sent = useRef(false);
  useEffect(() => {
    if (sent.current || !token) return;
    sent.current = true; // once, also under React's strict-mode double effect
    verify.mutate({ token });
  }, [token, verify]);

  if (!token || verify.isError) {
    return (
      <div className="space-y-4">
        <p role="alert" className="rounded-md bg-red-50 px-3 py-2 text-sm text-red-800">{token ? errorText(verify.error) : "This link is incomplete."}</p>
        <p className="text-sm text-slate-600">Signed in? The banner at the top of every page sends a new link.</p>
        <a href="/" className={`inline-block ${primaryLarge}`}>Go to Keyway</a>
      </div>
    );
  }
  if (!verify.isSuccess) return <p role="status" className="text-sm text-slate-600">Checking your link…</p>;
  return (
    <div className="space-y-4">
      <p role="status" className="rounded-md bg-green-50 px-3 py-2 text-sm text-green-800">
        {verify.data.changed ? "Your account now uses " : "Thank you: "}<strong className="break-all">{verify.data.email}</strong>{verify.data.changed ? "." : " is verified."}
      </p>
      <a href="/keys" className={`inline-block ${primaryLarge}`}>Create an API key</a>
    </div>
  );
}
