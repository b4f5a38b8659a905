// CommandLine: a shell command (or any copyable reference) in a code block
// with its copy button, as the repository views show pull/install lines.
import { CopyButton } from "./copy-button";

export function CommandLine({ text, label = "Copy" }: { text: string; label?: string }) {
  return (
    <div className="code command-line">
      <pre>{text}</pre>
      <CopyButton text={text} label={label} />
    </div>
  );
}
