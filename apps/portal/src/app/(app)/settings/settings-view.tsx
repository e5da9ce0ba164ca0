"use client";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { signOut } from "next-auth/react";
import { useState, type FormEvent, type ReactNode } from "react";
import { useTRPC } from "~/trpc/client";
import type { RouterOutputs } from "~/trpc/types";
import { errorText } from "~/trpc/errors";
import { card, danger, input, primary, secondary } from "~/components/ui";
import { ConfirmDialog, CopyButton, Dialog } from "~/components/dialog";
import { Field } from "~/components/field";
import { ago } from "~/lib/format";
import { useAllZones, useBrowserZone, useDates } from "~/lib/dates";
import { ThemeSwitch } from "~/components/theme-switch";
import { TIME_ZONE_COOKIE } from "~/lib/time-zone-cookie";
import { useRouter } from "next/navigation";

type Settings = RouterOutputs["settings"]["get"];

function Section({ id, title, description, children }: { id: string; title: string; description?: ReactNode; children: ReactNode }) {
  return (
    <section id={id} aria-labelledby={`${id}-title`} className={`${card} p-5 sm:p-6`}>
      <h2 id={`${id}-title`} className="text-lg font-semibold">{title}</h2>
      {description && <p className="mt-1 text-sm text-slate-600">{description}</p>}
      <div className="mt-4">{children}</div>
    </section>
  );
}

const Done = ({ children }: { children: ReactNode }) => <p role="status" className="text-sm text-green-700">{children}</p>;

export function SettingsView({ adminMustEnrol }: { adminMustEnrol: boolean }) {
  const trpc = useTRPC();
  const settings = useQuery(trpc.settings.get.queryOptions());
  if (settings.isPending) return <p role="status" className="text-slate-600">Loading your settings…</p>;
  if (settings.isError) return <p role="alert" className="rounded-md bg-red-50 px-3 py-2 text-red-800">{errorText(settings.error)}</p>;
  const s = settings.data;
  return (
    <div className="space-y-6">
      <h1 className="text-2xl font-semibold">Account settings</h1>
      {adminMustEnrol && !s.twoFactor && (
        <p role="alert" className="rounded-md border border-amber-200 bg-amber-50 px-4 py-3 text-sm text-amber-900">
          Admins must use two-factor sign-in. Set it up below to open the admin console.
        </p>
      )}
      <Profile settings={s} />
      <Display />
      <Email settings={s} />
      <Password settings={s} />
      <TwoFactor settings={s} />
      <Sessions />
      <DeleteAccount settings={s} />
    </div>
  );
}

function useInvalidate() {
  const trpc = useTRPC();
  const client = useQueryClient();
  return () => client.invalidateQueries({ queryKey: trpc.settings.pathKey() });
}

function Profile({ settings }: { settings: Settings }) {
  const trpc = useTRPC();
  const invalidate = useInvalidate();
  const [name, setName] = useState(settings.name ?? "");
  const rename = useMutation(trpc.settings.rename.mutationOptions({ onSuccess: invalidate }));
  return (
    <Section id="profile" title="Profile">
      <form className="space-y-3" onSubmit={(e) => { e.preventDefault(); rename.mutate({ name }); }}>
        <Field label="Name" name="name" autoComplete="name" required maxLength={100} value={name} onChange={(e) => setName(e.target.value)} error={rename.isError ? errorText(rename.error) : null} />
        <div className="flex items-center gap-3">
          <button type="submit" className={primary} disabled={rename.isPending}>{rename.isPending ? "Saving…" : "Save name"}</button>
          {rename.isSuccess && <Done>Saved.</Done>}
        </div>
      </form>
    </Section>
  );
}

/**
 * The time zone every date of the portal is written in (kept in a cookie for this browser; the
 * server renders with it) and the colour theme.
 */
function Display() {
  const router = useRouter();
  const { chosen, zoneLabel } = useDates();
  const browserZone = useBrowserZone();
  const zones = useAllZones();
  const choose = (zone: string) => {
    document.cookie = zone
      ? `${TIME_ZONE_COOKIE}=${encodeURIComponent(zone)}; path=/; max-age=31536000; samesite=lax`
      : `${TIME_ZONE_COOKIE}=; path=/; max-age=0; samesite=lax`;
    router.refresh();
  };
  return (
    <Section id="time-zone" title="Time zone and theme" description={<>Dates and charts are shown in <span className="font-medium" data-testid="current-zone">{zoneLabel()}</span>. Limits reset by UTC days and months whatever you choose.</>}>
      <div className="space-y-4">
        <div>
          <label className="mb-1 block text-sm font-medium text-slate-700" htmlFor="f-time-zone">Time zone</label>
          <select id="f-time-zone" value={chosen ?? ""} onChange={(e) => choose(e.target.value)} className={`${input} w-full max-w-md bg-surface`}>
            <option value="">This browser&apos;s ({browserZone})</option>
            {!zones.includes("UTC") && <option value="UTC">UTC</option>}
            {chosen && !zones.includes(chosen) && chosen !== "UTC" && <option value={chosen}>{chosen}</option>}
            {zones.map((z) => <option key={z} value={z}>{z.replaceAll("_", " ")}</option>)}
          </select>
        </div>
        <ThemeSwitch />
      </div>
    </Section>
  );
}

function Email({ settings }: { settings: Settings }) {
  const trpc = useTRPC();
  const [email, setEmail] = useState("");
  const [password, setPassword] = useState("");
  const change = useMutation(trpc.settings.changeEmail.mutationOptions());
  return (
    <Section id="email" title="Email address" description={<>You sign in and get mail at <strong className="break-all">{settings.email}</strong>{settings.emailVerified ? " (verified)." : " (not verified yet)."}</>}>
      <form className="space-y-3" onSubmit={(e) => { e.preventDefault(); change.mutate({ email, password: settings.hasPassword ? password : null }); }}>
        <Field label="New email address" name="new-email" type="email" autoComplete="email" required value={email} onChange={(e) => setEmail(e.target.value)} error={change.isError ? errorText(change.error) : null}
          hint="Nothing changes until you open the link we mail to the new address. The current one is told." />
        {settings.hasPassword && <Field label="Current password" name="email-password" type="password" autoComplete="current-password" required value={password} onChange={(e) => setPassword(e.target.value)} />}
        <div className="flex flex-wrap items-center gap-3">
          <button type="submit" className={primary} disabled={change.isPending}>{change.isPending ? "Sending…" : "Send a confirmation link"}</button>
          {change.isSuccess && <Done>Open the link we sent to {change.data.email} to finish.</Done>}
        </div>
      </form>
    </Section>
  );
}

function Password({ settings }: { settings: Settings }) {
  const trpc = useTRPC();
  const change = useMutation(trpc.settings.changePassword.mutationOptions());
  function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    change.mutate({ current: String(form.get("current") ?? ""), next: String(form.get("next") ?? "") }, { onSuccess: () => (event.target as HTMLFormElement).reset() });
  }
  const error = change.isError ? errorText(change.error) : null;
  const wrongCurrent = error?.startsWith("That is not your current password");
  return (
    <Section id="password" title="Password" description={settings.hasPassword ? "Changing it signs out every other browser." : "You sign in with a provider. Set a password to sign in with your email too."}>
      <form className="space-y-3" onSubmit={onSubmit}>
        {settings.hasPassword && <Field label="Current password" name="current" type="password" autoComplete="current-password" required error={wrongCurrent ? error : null} />}
        <Field label="New password" name="next" type="password" autoComplete="new-password" required minLength={10} hint="At least 10 characters." error={!wrongCurrent ? error : null} />
        <div className="flex flex-wrap items-center gap-3">
          <button type="submit" className={primary} disabled={change.isPending}>{change.isPending ? "Saving…" : "Change password"}</button>
          {change.isSuccess && <Done>Password changed{change.data.endedSessions > 0 ? `; ${change.data.endedSessions} other browser${change.data.endedSessions === 1 ? " was" : "s were"} signed out` : ""}.</Done>}
        </div>
      </form>
    </Section>
  );
}

function RecoveryCodes({ codes }: { codes: string[] }) {
  return (
    <div className="space-y-3">
      <p className="text-sm text-slate-700">Keep these recovery codes somewhere safe. Each signs you in once if you lose your phone. They are shown only now.</p>
      <ol data-testid="recovery-codes" className="grid grid-cols-2 gap-2 rounded-md bg-slate-50 p-3 font-mono text-sm sm:grid-cols-5">
        {codes.map((c) => <li key={c}>{c}</li>)}
      </ol>
      <CopyButton text={codes.join("\n")} label="Copy codes" />
    </div>
  );
}

function TwoFactor({ settings }: { settings: Settings }) {
  const trpc = useTRPC();
  const invalidate = useInvalidate();
  const begin = useMutation(trpc.settings.twoFactor.begin.mutationOptions());
  const [code, setCode] = useState("");
  // A code is good for one change: the field empties once it was used.
  const done = () => {
    setCode("");
    void invalidate();
  };
  const confirm = useMutation(trpc.settings.twoFactor.confirm.mutationOptions({ onSuccess: done }));
  const disable = useMutation(trpc.settings.twoFactor.disable.mutationOptions({ onSuccess: done }));
  const regenerate = useMutation(trpc.settings.twoFactor.regenerateCodes.mutationOptions({ onSuccess: done }));
  const [turningOff, setTurningOff] = useState(false);

  if (confirm.data || regenerate.data) {
    return (
      <Section id="two-factor" title="Two-factor sign-in" description="On: signing in asks for a code from your authenticator app.">
        <RecoveryCodes codes={(confirm.data ?? regenerate.data)!.recoveryCodes} />
        <button type="button" className={`${secondary} mt-4`} onClick={() => { confirm.reset(); regenerate.reset(); }}>I saved them</button>
      </Section>
    );
  }
  if (settings.twoFactor) {
    return (
      <Section id="two-factor" title="Two-factor sign-in" description={`On. ${settings.recoveryCodesLeft} of 10 recovery codes left.`}>
        <form className="space-y-3" onSubmit={(e) => { e.preventDefault(); if (turningOff) disable.mutate({ code }); else regenerate.mutate({ code }); }}>
          <Field label="Current code" name="manage-code" inputMode="numeric" autoComplete="one-time-code" value={code} onChange={(e) => setCode(e.target.value)}
            hint="A code from your app (or a recovery code) confirms the change." error={disable.isError ? errorText(disable.error) : regenerate.isError ? errorText(regenerate.error) : null} />
          <div className="flex flex-wrap gap-3">
            <button type="submit" className={secondary} onClick={() => setTurningOff(false)} disabled={regenerate.isPending}>New recovery codes</button>
            {!(settings.role === "admin") && <button type="submit" className={danger} onClick={() => setTurningOff(true)} disabled={disable.isPending}>Turn off</button>}
          </div>
          {settings.role === "admin" && <p className="text-xs text-slate-500">Admins keep two-factor sign-in on.</p>}
        </form>
      </Section>
    );
  }
  return (
    <Section id="two-factor" title="Two-factor sign-in" description="Off. With it on, signing in also asks for a code from an authenticator app (1Password, Google Authenticator, …).">
      {!begin.data ? (
        <>
          <button type="button" className={primary} onClick={() => begin.mutate()} disabled={begin.isPending}>{begin.isPending ? "Preparing…" : "Set up two-factor sign-in"}</button>
          {begin.isError && <p role="alert" className="mt-2 text-sm text-red-700">{errorText(begin.error)}</p>}
        </>
      ) : (
        <form className="space-y-4" onSubmit={(e) => { e.preventDefault(); confirm.mutate({ code }); }}>
          <div className="flex flex-col gap-4 sm:flex-row sm:items-start">
            <img src={begin.data.qr} alt="QR code to scan with your authenticator app" width={192} height={192} className="rounded-md border border-slate-200" />
            <div className="min-w-0 space-y-2 text-sm text-slate-700">
              <p>1. Scan the code with your authenticator app, or enter this key by hand:</p>
              <p><code data-testid="totp-secret" className="break-all rounded bg-slate-100 px-2 py-1 font-mono">{begin.data.secret}</code></p>
              <p>2. Enter the 6-digit code the app shows.</p>
            </div>
          </div>
          <Field label="Code from the app" name="enrol-code" inputMode="numeric" autoComplete="one-time-code" required value={code} onChange={(e) => setCode(e.target.value)} error={confirm.isError ? errorText(confirm.error) : null} />
          <button type="submit" className={primary} disabled={confirm.isPending}>{confirm.isPending ? "Checking…" : "Turn on"}</button>
        </form>
      )}
    </Section>
  );
}

function Sessions() {
  const { dateTime } = useDates();
  const trpc = useTRPC();
  const client = useQueryClient();
  const list = useQuery(trpc.settings.sessions.list.queryOptions());
  const refresh = () => client.invalidateQueries({ queryKey: trpc.settings.sessions.list.queryKey() });
  const revoke = useMutation(trpc.settings.sessions.revoke.mutationOptions({ onSuccess: refresh }));
  const others = useMutation(trpc.settings.sessions.revokeOthers.mutationOptions({ onSuccess: refresh }));
  const [confirming, setConfirming] = useState(false);
  return (
    <Section id="sessions" title="Where you are signed in" description="Sessions end after 7 days without use, and 30 days after signing in.">
      {list.isPending && <p role="status" className="text-sm text-slate-600">Loading…</p>}
      {list.isError && <p role="alert" className="text-sm text-red-700">{errorText(list.error)}</p>}
      {list.data && (
        <ul className="divide-y divide-slate-100">
          {list.data.map((s) => (
            <li key={s.id} className="flex flex-wrap items-center justify-between gap-3 py-3">
              <div className="min-w-0">
                <p className="font-medium">{s.device}{s.current && <span className="ml-2 rounded bg-green-100 px-2 py-0.5 text-xs font-medium text-green-800">this browser</span>}</p>
                <p className="text-sm text-slate-600">{s.ip ?? "unknown address"} · signed in {dateTime(s.createdAt)} · last seen <time dateTime={new Date(s.lastSeenAt).toISOString()}>{ago(s.lastSeenAt)}</time></p>
              </div>
              {s.current ? (
                <button type="button" className={secondary} onClick={() => void signOut({ callbackUrl: "/sign-in" })}>Sign out</button>
              ) : (
                <button type="button" className={secondary} aria-label={`Sign out ${s.device}, ${s.ip ?? "unknown address"}`} disabled={revoke.isPending} onClick={() => revoke.mutate({ id: s.id })}>Sign out</button>
              )}
            </li>
          ))}
        </ul>
      )}
      {(list.data?.length ?? 0) > 1 && <button type="button" className={`${secondary} mt-3`} onClick={() => setConfirming(true)}>Sign out everywhere else</button>}
      {others.isSuccess && <Done>{others.data.ended} other session{others.data.ended === 1 ? "" : "s"} ended.</Done>}
      <ConfirmDialog open={confirming} title="Sign out everywhere else?" onClose={() => setConfirming(false)} error={others.isError ? errorText(others.error) : null}
        confirm="Sign out other browsers" pendingLabel="Signing out…" pending={others.isPending} onConfirm={() => others.mutate(undefined, { onSuccess: () => setConfirming(false) })}>
        Every browser but this one is signed out at once and must sign in again.
      </ConfirmDialog>
    </Section>
  );
}

function DeleteAccount({ settings }: { settings: Settings }) {
  const trpc = useTRPC();
  const remove = useMutation(trpc.settings.deleteAccount.mutationOptions({ onSuccess: () => void signOut({ callbackUrl: "/sign-in" }) }));
  const [open, setOpen] = useState(false);
  const [confirmEmail, setConfirmEmail] = useState("");
  const [password, setPassword] = useState("");
  return (
    <Section id="delete" title="Delete account" description="Your keys are revoked at once and your account is removed. The audit log keeps its record. This cannot be undone.">
      <button type="button" className={danger} onClick={() => setOpen(true)}>Delete my account…</button>
      <Dialog open={open} onClose={() => setOpen(false)} title="Delete your account?">
        <form className="space-y-3" onSubmit={(e) => { e.preventDefault(); remove.mutate({ confirmEmail, password: settings.hasPassword ? password : null }); }}>
          <p className="text-sm text-slate-700">Every API key of this account stops working immediately.</p>
          <Field label={`Type ${settings.email} to confirm`} name="confirm-email" autoComplete="off" required value={confirmEmail} onChange={(e) => setConfirmEmail(e.target.value)} />
          {settings.hasPassword && <Field label="Current password" name="delete-password" type="password" autoComplete="current-password" required value={password} onChange={(e) => setPassword(e.target.value)} />}
          {remove.isError && <p role="alert" className="text-sm text-red-700">{errorText(remove.error)}</p>}
          <div className="flex justify-end gap-3">
            <button type="button" className={secondary} onClick={() => setOpen(false)}>Cancel</button>
            <button type="submit" className={danger} disabled={remove.isPending || confirmEmail.trim().toLowerCase() !== settings.email}>{remove.isPending ? "Deleting…" : "Delete account"}</button>
          </div>
        </form>
      </Dialog>
    </Section>
  );
}
