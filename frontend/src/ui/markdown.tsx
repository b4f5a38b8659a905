// A minimal, safe markdown renderer for uploaded READMEs and package
// descriptions. It builds React elements (which escape all text) and never
// HTML strings: raw HTML in the source shows as text, links keep only
// http(s)/mailto targets and images become links to them. It covers what
// READMEs mostly use — headings, paragraphs, lists, quotes, fenced and
// indented code, rules, **bold**, *italic*, `code` and [links](url) — and
// shows anything else as plain text. Loaded with import() by the features
// that need it, so it stays out of the initial bundle.
import type { ReactNode } from "react";

export type Inline = { t: "text"; v: string } | { t: "code"; v: string } | { t: "strong" | "em"; c: Inline[] } | { t: "link"; href: string; c: Inline[] };

export type Block =
  | { t: "heading"; level: number; c: Inline[] }
  | { t: "para"; c: Inline[] }
  | { t: "code"; lang: string; v: string }
  | { t: "list"; ordered: boolean; items: Block[][] }
  | { t: "quote"; c: Block[] }
  | { t: "rule" };

/** Only these link targets survive; anything else (javascript:, data:, vbscript:) shows as text. */
export function safeHref(href: string): string | undefined {
  const h = href.trim();
  if (/^(https?:|mailto:)/i.test(h)) return h;
  if (/^#[\w-]*$/.test(h)) return h;
  return undefined;
}

/** Parses the inline syntax of one paragraph or heading. */
export function parseInline(s: string): Inline[] {
  const out: Inline[] = [];
  let text = "";
  const flush = () => {
    if (text) out.push({ t: "text", v: text });
    text = "";
  };
  let i = 0;
  while (i < s.length) {
    const rest = s.slice(i);
    let m: RegExpMatchArray | null;
    if (rest[0] === "\\" && rest.length > 1 && /[\\`*_[\]()#!<>-]/.test(rest[1])) {
      text += rest[1];
      i += 2;
    } else if ((m = rest.match(/^(`+)([\s\S]*?[^`])\1(?!`)/))) {
      flush();
      out.push({ t: "code", v: m[2].trim() });
      i += m[0].length;
    } else if ((m = rest.match(/^!?\[([^\]]*)\]\(([^)\s]*)(?:\s+"[^"]*")?\)/))) {
      flush();
      const href = safeHref(m[2]);
      const label = m[1] || m[2];
      out.push(href ? { t: "link", href, c: parseInline(label) } : { t: "text", v: label });
      i += m[0].length;
    } else if ((m = rest.match(/^(\*\*|__)(?=\S)([\s\S]*?\S)\1/))) {
      flush();
      out.push({ t: "strong", c: parseInline(m[2]) });
      i += m[0].length;
    } else if ((m = rest.match(/^(\*|_)(?=\S)([\s\S]*?\S)\1(?![*_\w])/)) && !(m[1] === "_" && /\w/.test(s[i - 1] ?? ""))) {
      flush();
      out.push({ t: "em", c: parseInline(m[2]) });
      i += m[0].length;
    } else if ((m = rest.match(/^<(https?:\/\/[^\s>]+)>/))) {
      flush();
      out.push({ t: "link", href: m[1], c: [{ t: "text", v: m[1] }] });
      i += m[0].length;
    } else {
      text += rest[0];
      i += 1;
    }
  }
  flush();
  return out;
}

const fence = /^ {0,3}(```+|~~~+)\s*([\w+-]*)/;
const bullet = /^ {0,3}([-*+]|\d{1,9}[.)])\s+/;

/** Parses markdown source into blocks. */
export function parseMarkdown(src: string): Block[] {
  return parseLines(src.replace(/\r\n?/g, "\n").split("\n"));
}

function parseLines(lines: string[]): Block[] {
  const blocks: Block[] = [];
  let i = 0;
  while (i < lines.length) {
    const line = lines[i];
    let m: RegExpMatchArray | null;
    if (!line.trim()) {
      i++;
    } else if ((m = line.match(fence))) {
      const close = m[1];
      const body: string[] = [];
      i++;
      while (i < lines.length && !lines[i].trimStart().startsWith(close)) body.push(lines[i++]);
      i++;
      blocks.push({ t: "code", lang: m[2], v: body.join("\n") });
    } else if ((m = line.match(/^ {0,3}(#{1,6})\s+(.*?)\s*#*\s*$/))) {
      blocks.push({ t: "heading", level: m[1].length, c: parseInline(m[2]) });
      i++;
    } else if (/^ {0,3}([-*_])(\s*\1){2,}\s*$/.test(line)) {
      blocks.push({ t: "rule" });
      i++;
    } else if (/^ {0,3}>/.test(line)) {
      const body: string[] = [];
      while (i < lines.length && /^ {0,3}>/.test(lines[i])) body.push(lines[i++].replace(/^ {0,3}> ?/, ""));
      blocks.push({ t: "quote", c: parseLines(body) });
    } else if (/^( {4}|\t)/.test(line)) {
      const body: string[] = [];
      while (i < lines.length && (/^( {4}|\t)/.test(lines[i]) || !lines[i].trim())) body.push(lines[i++].replace(/^( {4}|\t)/, ""));
      while (body.length && !body[body.length - 1].trim()) body.pop();
      blocks.push({ t: "code", lang: "", v: body.join("\n") });
    } else if ((m = line.match(bullet))) {
      const ordered = /\d/.test(m[1]);
      const items: string[][] = [];
      while (i < lines.length) {
        const l = lines[i];
        const b = l.match(bullet);
        if (b && /\d/.test(b[1]) === ordered) {
          items.push([l.slice(b[0].length)]);
        } else if (l.trim() && /^\s{2,}/.test(l) && items.length) {
          items[items.length - 1].push(l.replace(/^\s{2,4}/, ""));
        } else if (!l.trim() && i + 1 < lines.length && (bullet.test(lines[i + 1]) || /^\s{2,}\S/.test(lines[i + 1])) && items.length) {
          items[items.length - 1].push("");
        } else break;
        i++;
      }
      blocks.push({ t: "list", ordered, items: items.map(parseLines) });
    } else {
      const body: string[] = [];
      while (i < lines.length && lines[i].trim() && !fence.test(lines[i]) && !/^ {0,3}(#{1,6}\s|>)/.test(lines[i]) && !(body.length && bullet.test(lines[i]))) {
        // A setext underline turns the paragraph into a heading.
        if (body.length && /^ {0,3}(=+|-+)\s*$/.test(lines[i])) {
          blocks.push({ t: "heading", level: lines[i].includes("=") ? 1 : 2, c: parseInline(body.join(" ")) });
          body.length = 0;
          i++;
          break;
        }
        body.push(lines[i++].trim());
      }
      if (body.length) blocks.push({ t: "para", c: parseInline(body.join("\n")) });
    }
  }
  return blocks;
}

function renderInline(c: Inline[]): ReactNode[] {
  return c.map((n, k) => {
    switch (n.t) {
      case "text":
        return n.v;
      case "code":
        return <code key={k}>{n.v}</code>;
      case "strong":
        return <strong key={k}>{renderInline(n.c)}</strong>;
      case "em":
        return <em key={k}>{renderInline(n.c)}</em>;
      case "link":
        return (
          <a key={k} href={n.href} rel="noopener noreferrer nofollow" target={n.href.startsWith("#") ? undefined : "_blank"}>
            {renderInline(n.c)}
          </a>
        );
    }
  });
}

function renderBlocks(blocks: Block[]): ReactNode[] {
  return blocks.map((b, k) => {
    switch (b.t) {
      case "heading": {
        // Headings inside the document sit below the page's own h2 and h3.
        const H = `h${Math.min(6, b.level + 3)}` as "h4";
        return <H key={k}>{renderInline(b.c)}</H>;
      }
      case "para":
        return <p key={k}>{renderInline(b.c)}</p>;
      case "code":
        return (
          <pre key={k}>
            <code>{b.v}</code>
          </pre>
        );
      case "list": {
        const L = b.ordered ? "ol" : "ul";
        // A one-paragraph item renders without its <p>.
        return (
          <L key={k}>
            {b.items.map((it, j) => (
              <li key={j}>{it.length === 1 && it[0].t === "para" ? renderInline(it[0].c) : renderBlocks(it)}</li>
            ))}
          </L>
        );
      }
      case "quote":
        return <blockquote key={k}>{renderBlocks(b.c)}</blockquote>;
      case "rule":
        return <hr key={k} />;
    }
  });
}

/** Renders markdown as React elements (never as HTML). */
export function Markdown({ source, label }: { source: string; label?: string }) {
  return (
    <div className="markdown" aria-label={label} role={label ? "document" : undefined}>
      {renderBlocks(parseMarkdown(source))}
    </div>
  );
}

/**
 * A long description or README in its declared format: markdown through
 * Markdown, anything else (reStructuredText, plain text) as preformatted text.
 */
export function LongText({ source, contentType, label }: { source: string; contentType?: string; label?: string }) {
  const ct = (contentType ?? "").toLowerCase();
  if (ct.startsWith("text/markdown") || ct === "markdown") return <Markdown source={source} label={label} />;
  return (
    <pre className="long-text" aria-label={label}>
      {source}
    </pre>
  );
}

export default LongText;
