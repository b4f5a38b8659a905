// Copies text to the clipboard. navigator.clipboard exists only in a secure
// context (https or localhost), and on-prem installs often serve plain HTTP,
// so a selected, off-screen textarea and execCommand("copy") stand in.

/** Copies text; resolves true when one of the two ways succeeded. */
export async function copyText(text: string): Promise<boolean> {
  if (typeof navigator !== "undefined" && navigator.clipboard && window.isSecureContext !== false) {
    try {
      await navigator.clipboard.writeText(text);
      return true;
    } catch {
      // Denied (no permission, document not focused): try the fallback.
    }
  }
  return copyWithTextarea(text);
}

function copyWithTextarea(text: string): boolean {
  const ta = document.createElement("textarea");
  ta.value = text;
  ta.setAttribute("readonly", "");
  // Off-screen rather than display:none, which cannot be selected; fixed so
  // that focusing it does not scroll the page.
  ta.style.position = "fixed";
  ta.style.top = "0";
  ta.style.left = "-9999px";
  const active = document.activeElement as HTMLElement | null;
  // Inside a modal dialog the textarea goes into the dialog: its focus trap
  // would take focus (and the selection) back from anything outside.
  const host = active?.closest<HTMLElement>('[role="dialog"]') ?? document.body;
  host.appendChild(ta);
  ta.focus();
  ta.select();
  let ok = false;
  try {
    ok = document.execCommand("copy");
  } catch {
    ok = false;
  }
  ta.remove();
  // Give focus back (inside a modal dialog, the copy button).
  active?.focus();
  return ok;
}
