import type { Metadata } from "next";
import { KeyDetail } from "./key-detail";

export const metadata: Metadata = { title: "API key" };

export default async function KeyPage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  return <KeyDetail id={id} />;
}
