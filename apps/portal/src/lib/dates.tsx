"use client";
// The viewer's time zone, from the keyway-tz cookie the server read (or none: the browser's own),
// for every date the portal writes: `const { dateTime } = useDates()`.
import { createContext, useContext, useMemo, type ReactNode } from "react";
import { datesIn } from "./format";

const ZoneContext = createContext<string | undefined>(undefined);

export function TimeZoneProvider({ zone, children }: { zone: string | undefined; children: ReactNode }) {
  return <ZoneContext.Provider value={zone}>{children}</ZoneContext.Provider>;
}

export function useDates() {
  const zone = useContext(ZoneContext);
  return useMemo(() => datesIn(zone), [zone]);
}
