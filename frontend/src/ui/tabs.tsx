// Tabs over Radix Tabs: roles, arrow keys, Home/End. Controlled so a page can
// keep the tab in the URL (value + onChange).
import { Tabs as T } from "radix-ui";
import type { ReactNode } from "react";

export type TabItem<K extends string> = { value: K; label: ReactNode; content: ReactNode };

export function Tabs<K extends string>({ items, value, onChange, label }: { items: TabItem<K>[]; value: K; onChange: (v: K) => void; label?: string }) {
  return (
    <T.Root value={value} onValueChange={(v) => onChange(v as K)} className="tabs-root">
      <T.List className="tabs" aria-label={label}>
        {items.map((i) => (
          <T.Trigger key={i.value} value={i.value} className="tab">
            {i.label}
          </T.Trigger>
        ))}
      </T.List>
      {items.map((i) => (
        <T.Content key={i.value} value={i.value} className="tab-panel">
          {i.content}
        </T.Content>
      ))}
    </T.Root>
  );
}
