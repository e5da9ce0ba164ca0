"use client";
import { useMutation } from "@tanstack/react-query";
import { useState, type FormEvent } from "react";
import { card, input, primary } from "~/components/ui";
import { useSwitchWorkspace } from "~/components/workspace";
import { useTRPC } from "~/trpc/client";
import { errorText } from "~/trpc/errors";

export function NewWorkspaceForm() {
  const trpc = useTRPC();
  const switchTo = useSwitchWorkspace();
  const [error, setError] = useState<string | null>(null);
  const create = useMutation(trpc.workspaces.create.mutationOptions());
  async function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    setError(null);
    try {
      const workspace = await create.mutateAsync({ name: String(new FormData(event.currentTarget).get("name") ?? "") });
      switchTo(workspace.id, "/workspace");
    } catch (e) {
      setError(errorText(e));
    }
  }
  return (
    <section className="mx-auto max-w-lg space-y-4">
      <div>
        <h1 className="text-2xl font-semibold">Create a team workspace</h1>
        <p className="text-sm text-slate-600">A team holds API keys and a plan that its members share. You will be its owner, and can invite people next.</p>
      </div>
      <form onSubmit={onSubmit} className={`${card} space-y-4 p-5`} noValidate>
        <label className="block">
          <span className="mb-1 block text-sm font-medium text-slate-700">Name</span>
          <input name="name" required maxLength={64} placeholder="e.g. Acme Inc." className={`${input} w-full`}
            aria-invalid={error ? true : undefined} aria-describedby={error ? "name-error" : undefined} />
          {error && <span id="name-error" role="alert" className="mt-1 block text-sm text-red-700">{error}</span>}
        </label>
        <p className="text-sm text-slate-600">It starts on the free plan; a platform admin can move it to another.</p>
        <div className="flex justify-end">
          <button type="submit" className={primary} disabled={create.isPending}>{create.isPending ? "Creating…" : "Create team"}</button>
        </div>
      </form>
    </section>
  );
}
