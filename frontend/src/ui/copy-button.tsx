// CopyButton: copies text, also on plain-HTTP installs where the Clipboard
// API is missing (it needs a secure context).
import { Check, Copy } from "lucide-react";
import { useEffect, useState } from "react";
import { copyText } from "./copy";

export { copyText };

export function CopyButton({ text, label = "Copy", className = "small" }: { text: string; label?: string; className?: string }) {
  const [state, setState] = useState<"idle" | "done" | "failed">("idle");
  useEffect(() => {
    if (state === "idle") return;
    const t = setTimeout(() => setState("idle"), 1500);
    return () => clearTimeout(t);
  }, [state]);
  return (
    <button type="button" className={className} onClick={async () => setState((await copyText(text)) ? "done" : "failed")}>
      {state === "done" ? <Check size={14} aria-hidden /> : <Copy size={14} aria-hidden />}
      <span>{state === "done" ? "Copied" : state === "failed" ? "Copy failed" : label}</span>
    </button>
  );
}
