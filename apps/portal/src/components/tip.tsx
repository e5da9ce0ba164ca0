"use client";
// A short explanation on hover or keyboard focus (Radix Tooltip): a relative time's exact moment,
// in the viewer's zone. The trigger is a button so keyboard users reach it too.
import { Tooltip } from "radix-ui";
import type { ReactNode } from "react";

export function TipProvider({ children }: { children: ReactNode }) {
  return <Tooltip.Provider delayDuration={300}>{children}</Tooltip.Provider>;
}

export function Tip({ tip, children, testId }: { tip: ReactNode; children: ReactNode; testId?: string }) {
  return (
    <Tooltip.Root>
      <Tooltip.Trigger type="button" data-testid={testId} className="cursor-help rounded text-left underline decoration-slate-400 decoration-dotted underline-offset-2">
        {children}
      </Tooltip.Trigger>
      <Tooltip.Portal>
        <Tooltip.Content sideOffset={4} collisionPadding={8} className="z-50 rounded-md bg-slate-900 px-2 py-1 text-xs text-slate-50 shadow-md">
          {tip}
          <Tooltip.Arrow className="fill-slate-900" />
        </Tooltip.Content>
      </Tooltip.Portal>
    </Tooltip.Root>
  );
}
