// Toasts over Radix Toast: `const toast = useToast(); toast.success("Saved")`.
// Announced politely (errors assertively), dismissed after a while or by hand.
import { Toast as T } from "radix-ui";
import { X } from "lucide-react";
import { createContext, useCallback, useContext, useMemo, useState, type ReactNode } from "react";
import { problemText } from "./problem";

type Item = { id: number; kind: "success" | "error"; text: string };
type ToastApi = { success: (text: string) => void; error: (textOrError: unknown) => void };

const Ctx = createContext<ToastApi | null>(null);
let seq = 0;

export function ToastProvider({ children }: { children: ReactNode }) {
  const [items, setItems] = useState<Item[]>([]);
  const push = useCallback((kind: Item["kind"], text: string) => setItems((xs) => [...xs.slice(-4), { id: ++seq, kind, text }]), []);
  const api = useMemo<ToastApi>(
    () => ({ success: (t) => push("success", t), error: (e) => push("error", problemText(e).text) }),
    [push],
  );
  return (
    <Ctx.Provider value={api}>
      <T.Provider swipeDirection="right" duration={5000}>
        {children}
        {items.map((i) => (
          <T.Root
            key={i.id}
            className={`toast ${i.kind}`}
            type={i.kind === "error" ? "foreground" : "background"}
            duration={i.kind === "error" ? 10000 : 5000}
            onOpenChange={(open) => !open && setItems((xs) => xs.filter((x) => x.id !== i.id))}
          >
            <T.Description>{i.text}</T.Description>
            <T.Close className="ghost small" aria-label="Dismiss">
              <X size={14} aria-hidden />
            </T.Close>
          </T.Root>
        ))}
        <T.Viewport className="toasts" />
      </T.Provider>
    </Ctx.Provider>
  );
}

export function useToast(): ToastApi {
  const v = useContext(Ctx);
  if (!v) throw new Error("useToast outside <ToastProvider>");
  return v;
}
