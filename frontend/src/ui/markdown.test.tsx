import { render } from "@testing-library/react";
import { describe, expect, it } from "vitest";
import { LongText, Markdown, parseInline, parseMarkdown, safeHref } from "./markdown";

describe("markdown parsing", () => {
  it("parses headings, paragraphs, lists and fenced code", () => {
    const b = parseMarkdown("# Title\n\nSome **bold** text.\n\n- one\n- two\n\n```sh\npip install x\n```\n");
    expect(b.map((x) => x.t)).toEqual(["heading", "para", "list", "code"]);
    expect(b[2]).toMatchObject({ t: "list", ordered: false, items: [[{ t: "para" }], [{ t: "para" }]] });
    expect(b[3]).toEqual({ t: "code", lang: "sh", v: "pip install x" });
  });
  it("parses ordered lists, quotes, rules and setext headings", () => {
    const b = parseMarkdown("Intro\n=====\n\n1. a\n2. b\n\n> quoted\n\n---\n");
    expect(b.map((x) => x.t)).toEqual(["heading", "list", "quote", "rule"]);
    expect(b[1]).toMatchObject({ ordered: true });
  });
  it("parses inline code, emphasis and links", () => {
    expect(parseInline("a `x*y` *b* [c](https://e.com)")).toEqual([
      { t: "text", v: "a " },
      { t: "code", v: "x*y" },
      { t: "text", v: " " },
      { t: "em", c: [{ t: "text", v: "b" }] },
      { t: "text", v: " " },
      { t: "link", href: "https://e.com", c: [{ t: "text", v: "c" }] },
    ]);
  });
  it("does not take snake_case words for emphasis", () => {
    expect(parseInline("my_var_name")).toEqual([{ t: "text", v: "my_var_name" }]);
  });
  it("keeps only http(s), mailto and fragment links", () => {
    expect(safeHref("https://x.org")).toBe("https://x.org");
    expect(safeHref("mailto:a@b.c")).toBe("mailto:a@b.c");
    expect(safeHref("#usage")).toBe("#usage");
    expect(safeHref("javascript:alert(1)")).toBeUndefined();
    expect(safeHref(" JavaScript:alert(1)")).toBeUndefined();
    expect(safeHref("data:text/html,<script>")).toBeUndefined();
    expect(parseInline("[x](javascript:alert(1))")[0]).toMatchObject({ t: "text" });
  });
});

describe("Markdown rendering", () => {
  it("shows raw HTML as text, never as elements", () => {
    const { container } = render(<Markdown source={"# Hi\n\n<script>alert('x')</script> <img src=x onerror=alert(1)> **bold**"} />);
    expect(container.querySelector("script")).toBeNull();
    expect(container.querySelector("img")).toBeNull();
    expect(container.textContent).toContain("<script>alert('x')</script>");
    expect(container.querySelector("strong")?.textContent).toBe("bold");
    expect(container.querySelector("h4")?.textContent).toBe("Hi");
  });
  it("renders no javascript: link", () => {
    const { container } = render(<Markdown source={"[click](javascript:alert(1)) [ok](https://example.com)"} />);
    const links = [...container.querySelectorAll("a")];
    expect(links.map((a) => a.getAttribute("href"))).toEqual(["https://example.com"]);
    expect(links[0].getAttribute("rel")).toContain("noopener");
  });
  it("shows non-markdown descriptions as preformatted text", () => {
    const { container } = render(<LongText source={"Title\n=====\n\n.. code:: <b>x</b>"} contentType="text/x-rst" />);
    expect(container.querySelector("pre")?.textContent).toContain("<b>x</b>");
    expect(container.querySelector("b")).toBeNull();
    expect(container.querySelector("h4")).toBeNull();
  });
});
