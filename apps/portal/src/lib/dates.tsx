"use client";
// The viewer's time zone, from the keyway-tz cookie the server read (or none: the browser's own),
// for every date the portal writes: `const { dateTime } = useDates()`.
import { createContext, useContext, useMemo, useSyncExternalStore, type ReactNode } from "react";
import { datesIn } from "./format";

const ZoneContext = createContext<string | undefined>(undefined);

export function TimeZoneProvider({ zone, children }: { zone: string | undefined; children: ReactNode }) {
  return <ZoneContext.Provider value={zone}>{children}</ZoneContext.Provider>;
}

const never = () => () => {};
const browserZone = () => Intl.DateTimeFormat().resolvedOptions().timeZone;

/**
 * Formatters in the chosen zone, else the browser's. The server cannot know the browser's zone:
 * without a choice it renders in UTC, and the browser hydrates in UTC too (the server snapshot)
 * before it renders again in its own zone, so the two never disagree.
 */
export function useDates() {
  const chosen = useContext(ZoneContext);
  const browser = useSyncExternalStore(never, browserZone, () => "UTC");
  const zone = chosen ?? browser;
  return useMemo(() => ({ ...datesIn(zone), chosen }), [zone, chosen]);
}

/** The browser's own zone ("" while the server renders). */
export const useBrowserZone = () => useSyncExternalStore(never, browserZone, () => "");

let zones: string[] | null = null;
const NONE: string[] = [];
/** Every zone the browser knows (none while the server renders: its list may differ). */
export const useAllZones = () => useSyncExternalStore(never, () => (zones ??= Intl.supportedValuesOf("timeZone")), () => NONE);
