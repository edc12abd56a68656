/**
 * Markdown shown as GitHub shows it in a pull-request comment, for the
 * browser tests: GitHub Flavored Markdown to HTML with `marked` (fenced code
 * written as GitHub writes it, `<pre lang="...">`), the HTML parsed by
 * Chromium and sanitised with the allowlist of GitHub's html-pipeline, each
 * ```` ```mermaid ```` block drawn by the real Mermaid bundle in place of its
 * code, in a column styled like GitHub's `markdown-body`.
 *
 * An approximation: GitHub's own renderer is cmark-gfm, its stylesheet is
 * larger, and it draws Mermaid in a frame of its own; what matters for the
 * layout (which tags and attributes survive, what a `<details>` hides, the
 * font, table and chart sizes) is the same.
 *
 * @module
 */
import { Marked } from "marked";
import { type OpenPage, withChromiumPage } from "./_chromium.ts";

/** What GitHub's sanitising keeps of a comment's HTML. */
export interface Allowlist {
  /** The elements kept; any other is replaced by its content. */
  elements: readonly string[];
  /** The elements removed with their content. */
  removeContents: readonly string[];
  /** The attributes kept on any allowed element. */
  globalAttributes: readonly string[];
  /** The attributes kept on one element besides those, by element. */
  attributes: Readonly<Record<string, readonly string[]>>;
  /**
   * The URL schemes an attribute may hold, by element and attribute
   * (`relative`: a URL without a scheme); the attribute goes otherwise.
   */
  protocols: Readonly<
    Record<string, Readonly<Record<string, readonly string[]>>>
  >;
}

/**
 * GitHub's allowlist, as its html-pipeline has it: `WHITELIST` and
 * `ANCHOR_SCHEMES` of `HTML::Pipeline::SanitizationFilter`
 * (github.com/gjtorikian/html-pipeline, `lib/html/pipeline/sanitization_filter.rb`,
 * the 2.x releases, which added `details` and `summary`), applied by the
 * Sanitize gem: other elements are unwrapped, `script` goes with its
 * content, comments go, and so does every attribute not listed (every
 * `on*` handler, `style`, `class`, `id`).
 */
export const GITHUB_ALLOWLIST: Allowlist = Object.freeze({
  elements: Object.freeze([
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "h7",
    "h8",
    "br",
    "b",
    "i",
    "strong",
    "em",
    "a",
    "pre",
    "code",
    "img",
    "tt",
    "div",
    "ins",
    "del",
    "sup",
    "sub",
    "p",
    "ol",
    "ul",
    "table",
    "thead",
    "tbody",
    "tfoot",
    "blockquote",
    "dl",
    "dt",
    "dd",
    "kbd",
    "q",
    "samp",
    "var",
    "hr",
    "ruby",
    "rt",
    "rp",
    "li",
    "tr",
    "td",
    "th",
    "s",
    "strike",
    "summary",
    "details",
  ]),
  removeContents: Object.freeze(["script"]),
  globalAttributes: Object.freeze([
    "abbr",
    "accept",
    "accept-charset",
    "accesskey",
    "action",
    "align",
    "alt",
    "axis",
    "border",
    "cellpadding",
    "cellspacing",
    "char",
    "charoff",
    "charset",
    "checked",
    "clear",
    "cols",
    "colspan",
    "color",
    "compact",
    "coords",
    "datetime",
    "dir",
    "disabled",
    "enctype",
    "for",
    "frame",
    "headers",
    "height",
    "hreflang",
    "hspace",
    "ismap",
    "label",
    "lang",
    "maxlength",
    "media",
    "method",
    "multiple",
    "name",
    "nohref",
    "noshade",
    "nowrap",
    "open",
    "prompt",
    "readonly",
    "rel",
    "rev",
    "rows",
    "rowspan",
    "rules",
    "scope",
    "selected",
    "shape",
    "size",
    "span",
    "start",
    "summary",
    "tabindex",
    "target",
    "title",
    "type",
    "usemap",
    "valign",
    "value",
    "vspace",
    "width",
    "itemprop",
  ]),
  attributes: Object.freeze({
    a: Object.freeze(["href"]),
    img: Object.freeze(["src", "longdesc"]),
    div: Object.freeze(["itemscope", "itemtype"]),
    blockquote: Object.freeze(["cite"]),
    del: Object.freeze(["cite"]),
    ins: Object.freeze(["cite"]),
    q: Object.freeze(["cite"]),
  }),
  protocols: Object.freeze({
    a: Object.freeze({
      href: Object.freeze([
        "http",
        "https",
        "mailto",
        "relative",
        "github-windows",
        "github-mac",
      ]),
    }),
    blockquote: Object.freeze({
      cite: Object.freeze(["http", "https", "relative"]),
    }),
    del: Object.freeze({ cite: Object.freeze(["http", "https", "relative"]) }),
    ins: Object.freeze({ cite: Object.freeze(["http", "https", "relative"]) }),
    q: Object.freeze({ cite: Object.freeze(["http", "https", "relative"]) }),
    img: Object.freeze({
      src: Object.freeze(["http", "https", "relative"]),
      longdesc: Object.freeze(["http", "https", "relative"]),
    }),
  }),
});

/** The parts of a DOM node {@linkcode sanitizeTree} uses (no DOM types here). */
export interface PageNode {
  /** 1 for an element, 3 for text; anything else is removed. */
  readonly nodeType: number;
  /** Its children. */
  readonly childNodes: ArrayLike<PageNode>;
  /** Takes it out of its parent. */
  remove(): void;
}

/** The parts of a DOM element {@linkcode sanitizeTree} uses. */
export interface PageElement extends PageNode {
  /** Its tag name, lower case. */
  readonly localName: string;
  /** Its attributes. */
  readonly attributes: ArrayLike<{ readonly name: string; value: string }>;
  /** Its parent, when that is an element. */
  readonly parentElement: PageElement | null;
  /** Removes one attribute. */
  removeAttribute(name: string): void;
  /** Puts nodes in its place. */
  replaceWith(...nodes: PageNode[]): void;
  /** Itself or its nearest ancestor that matches a CSS selector. */
  closest(selector: string): PageElement | null;
}

/**
 * Sanitises a parsed tree in place, as GitHub's SanitizationFilter does:
 * comments go; elements in `removeContents` go with their content; other
 * elements not allowed, a `li` outside `ul`/`ol` and a table part outside a
 * `table` are replaced by their content; attributes not allowed go, and so do
 * URLs of a scheme not allowed.
 *
 * Runs in the page (its source is put there): it uses nothing from outside
 * its own body.
 *
 * @param root The tree, e.g. a `<template>`'s content.
 * @param allowlist What to keep, e.g. {@linkcode GITHUB_ALLOWLIST}.
 */
export function sanitizeTree(root: PageNode, allowlist: Allowlist): void {
  const TEXT = 3;
  const ELEMENT = 1;
  // A scheme as the Sanitize gem reads it: up to the first `:` (or its
  // entity) before any `/` or `#`; none means a relative URL.
  const SCHEME = /^\s*([^/#]*?)(?::|&#0*58|&#x0*3a)/i;
  const outside = (element: PageElement, selector: string) =>
    (element.parentElement?.closest(selector) ?? null) === null;
  const breaksOut = (element: PageElement) => {
    const name = element.localName;
    if (name === "li") return outside(element, "ul, ol");
    if (["thead", "tbody", "tfoot", "tr", "td", "th"].includes(name)) {
      return outside(element, "table");
    }
    return false;
  };
  const keepsAttribute = (element: string, name: string, value: string) => {
    const listed = allowlist.globalAttributes.includes(name) ||
      (allowlist.attributes[element] ?? []).includes(name);
    if (!listed) return false;
    const schemes = allowlist.protocols[element]?.[name];
    if (schemes === undefined) return true;
    const scheme = SCHEME.exec(value);
    return scheme === null
      ? schemes.includes("relative")
      : schemes.includes(scheme[1].toLowerCase());
  };
  const clean = (parent: PageNode) => {
    for (const node of Array.from(parent.childNodes)) {
      if (node.nodeType === TEXT) continue;
      if (node.nodeType !== ELEMENT) {
        node.remove();
        continue;
      }
      const element = node as PageElement;
      const name = element.localName;
      if (allowlist.removeContents.includes(name)) {
        element.remove();
        continue;
      }
      clean(element);
      if (!allowlist.elements.includes(name) || breaksOut(element)) {
        element.replaceWith(...Array.from(element.childNodes));
        continue;
      }
      for (const attribute of Array.from(element.attributes)) {
        if (!keepsAttribute(name, attribute.name, attribute.value)) {
          element.removeAttribute(attribute.name);
        }
      }
    }
  };
  clean(root);
}

/** Text for inside an HTML element or a double-quoted attribute. */
function escapeHtml(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;")
    .replace(/>/g, "&gt;").replace(/"/g, "&quot;");
}

const gfm = new Marked({
  gfm: true,
  async: false,
  renderer: {
    // As cmark-gfm writes it for GitHub: the language as `lang`, which the
    // allowlist keeps (a `class` it would not).
    code({ text, lang }) {
      const language = (lang ?? "").match(/^\S*/)?.[0] ?? "";
      const attribute = language === ""
        ? ""
        : ` lang="${escapeHtml(language)}"`;
      return `<pre${attribute}><code>${escapeHtml(text)}\n</code></pre>\n`;
    },
  },
});

/**
 * GitHub Flavored Markdown as HTML, not yet sanitised: raw HTML in the
 * Markdown passes through, as it does on GitHub before its sanitising.
 *
 * @param markdown The Markdown.
 * @returns The HTML.
 */
export function markdownToHtml(markdown: string): string {
  return gfm.parse(markdown) as string;
}

/**
 * A little of GitHub's `markdown-body` stylesheet (Primer's light theme):
 * the system font at 14px/1.5, headings, paragraphs' spacing, tables with
 * borders, padding and striped rows (scrolling sideways when wider than the
 * column), code, quotes and `<details>`. Approximates GitHub's; it is not
 * GitHub's file.
 */
export const GITHUB_MARKDOWN_CSS = `
body { margin: 0; background: #ffffff; }
.markdown-body {
  box-sizing: border-box; width: 100%; padding: 16px; color: #1f2328;
  font-family: -apple-system, BlinkMacSystemFont, "Segoe UI", "Noto Sans", Helvetica, Arial, sans-serif, "Apple Color Emoji", "Segoe UI Emoji", "Noto Color Emoji";
  font-size: 14px; line-height: 1.5; word-wrap: break-word;
}
.markdown-body > :first-child { margin-top: 0 !important; }
.markdown-body > :last-child { margin-bottom: 0 !important; }
.markdown-body p, .markdown-body blockquote, .markdown-body ul, .markdown-body ol,
.markdown-body dl, .markdown-body table, .markdown-body pre, .markdown-body details,
.markdown-body .mermaid-chart { margin-top: 0; margin-bottom: 16px; }
.markdown-body h1, .markdown-body h2, .markdown-body h3, .markdown-body h4,
.markdown-body h5, .markdown-body h6 { margin-top: 24px; margin-bottom: 16px; font-weight: 600; line-height: 1.25; }
.markdown-body h3 { font-size: 1.25em; }
.markdown-body h4 { font-size: 1em; }
.markdown-body a { color: #0969da; text-decoration: none; }
.markdown-body strong { font-weight: 600; }
.markdown-body ul, .markdown-body ol { padding-left: 2em; }
.markdown-body li + li { margin-top: 0.25em; }
.markdown-body blockquote { margin-left: 0; margin-right: 0; padding: 0 1em; color: #59636e; border-left: 0.25em solid #d1d9e0; }
.markdown-body code, .markdown-body tt {
  padding: 0.2em 0.4em; margin: 0; font-size: 85%; white-space: break-spaces;
  background-color: rgba(129, 139, 152, 0.12); border-radius: 6px;
  font-family: ui-monospace, SFMono-Regular, "SF Mono", Menlo, Consolas, "Liberation Mono", monospace;
}
.markdown-body pre { padding: 16px; overflow: auto; font-size: 85%; line-height: 1.45; background-color: #f6f8fa; border-radius: 6px; }
.markdown-body pre code { padding: 0; font-size: 100%; white-space: pre; background: transparent; }
.markdown-body table { display: block; width: max-content; max-width: 100%; overflow: auto; border-spacing: 0; border-collapse: collapse; }
.markdown-body table th { font-weight: 600; }
.markdown-body table th, .markdown-body table td { padding: 6px 13px; border: 1px solid #d1d9e0; }
.markdown-body table tr { background-color: #ffffff; border-top: 1px solid #d1d9e0b3; }
.markdown-body table tr:nth-child(2n) { background-color: #f6f8fa; }
.markdown-body details summary { cursor: pointer; display: list-item; }
.markdown-body hr { height: 0.25em; margin: 24px 0; padding: 0; background-color: #d1d9e0; border: 0; }
`;

/** What the comment page reports once it has rendered. */
export interface CommentRendering {
  /** Per ```` ```mermaid ```` block, in order: Mermaid's error or `null`. */
  charts: { error: string | null }[];
}

/**
 * The page of one comment: its HTML, kept as inert JSON until the page's
 * script parses it in a `<template>`, sanitises it with
 * {@linkcode sanitizeTree} and {@linkcode GITHUB_ALLOWLIST}, puts it in
 * `article.markdown-body` and draws each `pre[lang=mermaid]` as a chart
 * (`div.mermaid-chart`, its SVG `svg#chart-<index>`); then it sets
 * `window.commentRendering` ({@linkcode CommentRendering}) and
 * `body[data-done]`. `window.githubSanitize(html)` sanitises any HTML the
 * same way and returns it as text.
 *
 * @param html The comment's HTML, from {@linkcode markdownToHtml}.
 * @param width The page's width in CSS pixels.
 * @returns The page.
 */
export function githubCommentPage(html: string, width: number): string {
  // `<` escaped: no `</script>` in the data can end its element.
  const inert = (value: unknown) =>
    JSON.stringify(value).replace(/</g, "\\u003c");
  return `<!doctype html>
<html>
<head>
<meta charset="utf-8"><link rel="icon" href="data:,"><title>Pull request comment</title>
<style>${GITHUB_MARKDOWN_CSS}
body { width: ${width}px; }
</style>
</head>
<body>
<article class="markdown-body" id="comment"></article>
<script type="application/json" id="comment-html">${inert(html)}</script>
<script src="/mermaid.min.js"></script>
<script>
var ALLOWLIST = ${inert(GITHUB_ALLOWLIST)};
var sanitizeTree = ${sanitizeTree.toString()};
window.githubSanitize = function (html) {
  var template = document.createElement("template");
  template.innerHTML = html;
  sanitizeTree(template.content, ALLOWLIST);
  return template.innerHTML;
};
(async function () {
  var charts = [];
  try {
    var template = document.createElement("template");
    template.innerHTML = JSON.parse(document.getElementById("comment-html").textContent);
    sanitizeTree(template.content, ALLOWLIST);
    var comment = document.getElementById("comment");
    comment.append(template.content);
    mermaid.initialize({ startOnLoad: false, securityLevel: "strict" });
    var blocks = Array.from(comment.querySelectorAll('pre[lang="mermaid"]'));
    for (var index = 0; index < blocks.length; index++) {
      try {
        var rendered = await mermaid.render("chart-" + index, blocks[index].textContent);
        var chart = document.createElement("div");
        chart.className = "mermaid-chart";
        chart.innerHTML = rendered.svg;
        blocks[index].replaceWith(chart);
        charts.push({ error: null });
      } catch (error) {
        charts.push({ error: String(error && error.message || error) });
      }
    }
  } catch (error) {
    charts.push({ error: "page: " + String(error && error.message || error) });
  }
  window.commentRendering = { charts: charts };
  document.body.dataset.done = "true";
})();
</script>
</body>
</html>
`;
}

/** A comment rendered in Chromium. */
export interface RenderedComment extends OpenPage {
  /** What the page reported. */
  rendering: CommentRendering;
}

/**
 * Renders Markdown as a pull-request comment in Chromium
 * ({@linkcode githubCommentPage}), waits until every chart is drawn and
 * hands the page to `use`.
 *
 * @param markdown The comment.
 * @param width The page's width in CSS pixels (the viewport's too).
 * @param use What to do with the rendered comment.
 * @returns The paths the page asked for that were not served.
 */
export function renderGithubComment(
  markdown: string,
  width: number,
  use: (rendered: RenderedComment) => Promise<void>,
): Promise<string[]> {
  return withChromiumPage(
    githubCommentPage(markdownToHtml(markdown), width),
    { viewport: { width, height: 900 } },
    async (open) => {
      await open.page.waitForSelector("body[data-done]", {
        state: "attached",
        timeout: 60_000,
      });
      const rendering = await open.page.evaluate(
        "window.commentRendering",
      ) as CommentRendering;
      await use({ ...open, rendering });
    },
  );
}
