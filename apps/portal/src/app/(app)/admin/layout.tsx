import type { ReactNode } from "react";
import { redirect } from "next/navigation";
import { getServices } from "@keyway/server";
import { getViewer } from "~/server/auth";
import { AdminNav } from "./admin-nav";

export const dynamic = "force-dynamic";

/** The admin console: the role is read from the database on every request (and again by every procedure). */
export default async function AdminLayout({ children }: { children: ReactNode }) {
  const viewer = await getViewer();
  if (viewer?.role !== "admin") {
    return (
      <section className="rounded-xl border border-slate-200 bg-surface p-8 text-center shadow-sm">
        <h1 className="text-xl font-semibold">Admins only</h1>
        <p className="mt-2 text-slate-600">This part of Keyway is for the platform&apos;s administrators.</p>
      </section>
    );
  }
  // An admin without a second factor enrols first (every admin procedure refuses them too).
  if (getServices().config.ADMIN_REQUIRE_2FA === "true" && !viewer.twoFactor) redirect("/settings?enrol=admin#two-factor");
  return (
    <div className="space-y-6">
      <AdminNav />
      {children}
    </div>
  );
}
