import type { Metadata } from "next";
import { TiersView } from "./tiers-view";

export const metadata: Metadata = { title: "Admin · Tiers" };

export default function AdminTiersPage() {
  return <TiersView />;
}
