/**
 * What the browser tests share: a page served from 127.0.0.1 and opened in
 * Debian's Chromium (`/usr/bin/chromium`, driven by playwright-core), Mermaid
 * blocks rendered there with the real Mermaid bundle, a screenshot of the
 * page, and a check that two boxes on the page do not overlap.
 *
 * Needs Debian's Chromium: `apt-get update && apt-get install -y chromium`.
 *
 * @module
 */
import fs from "node:fs";
import type { BrowserType, Page } from "playwright-core";
// Imported only so that Deno installs the package; its browser bundle is
// served from disk below.
import "mermaid/package.json" with { type: "json" };
import { BROWSER_PACKAGES, CHROMIUM } from "./ensure_chromium.ts";

export { CHROMIUM };

/** The flags that keep Chromium from hanging on this machine's closed network. */
export const CHROMIUM_ARGS: readonly string[] = [
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

/** The text inside every ```mermaid fenced block of a Markdown document. */
export function mermaidBlocks(markdown: string): string[] {
  return [...markdown.matchAll(/^```mermaid\n([\s\S]*?)^```[ \t]*$/gm)].map((
    match,
  ) => match[1]);
}

/** Fails with the way to install Chromium and the fonts when any is missing. */
export async function assertChromiumInstalled(): Promise<void> {
  const missing: string[] = [];
  for (const [name, file] of Object.entries(BROWSER_PACKAGES)) {
    try {
      await Deno.stat(file);
    } catch (error) {
      if (!(error instanceof Deno.errors.NotFound)) throw error;
      missing.push(name);
    }
  }
  if (missing.length > 0) {
    throw new Error(
      `${missing.join(", ")} missing: the browser tests need Debian's ${
        missing.join(", ")
      } (pages are measured in these fonts). Install with \`apt-get update && apt-get install -y ${
        missing.join(" ")
      }\`.`,
    );
  }
}

/**
 * Loads playwright-core. On load, its bundled `is-wsl` calls
 * `fs.existsSync("/proc/sys/fs/binfmt_misc/WSLInterop")`; Deno wants
 * `--allow-all` for anything under `/proc` and throws `NotCapable` instead of
 * answering `false`, so for the import that one check answers `false`.
 */
async function loadChromium(): Promise<BrowserType> {
  const existsSync = fs.existsSync;
  fs.existsSync = (path) => {
    try {
      return existsSync(path);
    } catch (error) {
      if (error instanceof Deno.errors.NotCapable) return false;
      throw error;
    }
  };
  try {
    return (await import("playwright-core")).chromium;
  } finally {
    fs.existsSync = existsSync;
  }
}

/**
 * Renders each chart into its own section (`#box-<index>`, its SVG
 * `svg#chart-<index>`), between the text to show above and below it (as
 * text, never HTML); sets `body[data-done]` at the end and each chart's error
 * (or `null`) in `window.renderResults`.
 */
function page(width: number): string {
  return `<!doctype html>
<html>
<head><meta charset="utf-8"><link rel="icon" href="data:,"><title>Mermaid charts</title></head>
<body style="margin: 0; background: white">
<main id="charts"></main>
<script src="/mermaid.min.js"></script>
<script>
function caption(text, style) {
  var paragraph = document.createElement("p");
  paragraph.style.cssText = "margin: 8px; font: 14px/1.5 sans-serif; font-style: " + style;
  paragraph.textContent = text;
  return paragraph;
}
(async function () {
  var results = [];
  try {
    mermaid.initialize({ startOnLoad: false, securityLevel: "strict" });
    var charts = await (await fetch("/charts.json")).json();
    for (var index = 0; index < charts.length; index++) {
      var section = document.createElement("section");
      section.style.width = "${width}px";
      var box = document.createElement("div");
      box.id = "box-" + index;
      if (charts[index].above) section.append(caption(charts[index].above, "italic"));
      section.append(box);
      if (charts[index].below) section.append(caption(charts[index].below, "normal"));
      document.getElementById("charts").append(section);
      try {
        var rendered = await mermaid.render("chart-" + index, charts[index].chart);
        box.innerHTML = rendered.svg;
        results.push({ error: null });
      } catch (error) {
        results.push({ error: String(error && error.message || error) });
      }
    }
  } catch (error) {
    results.push({ error: "page: " + String(error && error.message || error) });
  }
  window.renderResults = results;
  document.body.dataset.done = "true";
})();
</script>
</body>
</html>
`;
}

/** The rendered page, for a test's checks. */
export interface RenderedCharts extends OpenPage {
  /** Per chart, Mermaid's error or `null`. */
  results: { error: string | null }[];
}

/** A page open in Chromium, and what it did that a test may check. */
export interface OpenPage {
  /** The page. */
  page: Page;
  /** Errors the page threw. */
  pageErrors: string[];
  /** Messages of the dialogs the page opened (dismissed). */
  dialogs: string[];
}

/** A file a page may load, besides itself and the Mermaid bundle. */
export interface PageFile {
  /** Its content. */
  body: string | Uint8Array<ArrayBuffer>;
  /** Its `content-type`. */
  contentType: string;
}

/**
 * Serves a whole HTML page on 127.0.0.1 (at `/`), with the Mermaid bundle
 * (at `/mermaid.min.js`) and any other files it may load, opens it in
 * Chromium and hands it to `use`; closes the browser and the server after.
 * Waits for nothing on the page: `use` waits for what it needs.
 *
 * @param html The page.
 * @param options `viewport`: the window's size in CSS pixels; `files`: other
 *   files the page may load, by path (e.g. `/charts.json`).
 * @param use What to do with the open page.
 * @returns The paths the page asked for that were not served.
 */
export async function withChromiumPage(
  html: string,
  options: {
    viewport: { width: number; height: number };
    files?: Readonly<Record<string, PageFile>>;
  },
  use: (open: OpenPage) => Promise<void>,
): Promise<string[]> {
  const mermaidJs = await Deno.readFile(
    new URL(import.meta.resolve("mermaid/dist/mermaid.min.js")),
  );
  const files: Record<string, PageFile> = {
    ...options.files,
    "/": { body: html, contentType: "text/html; charset=utf-8" },
    "/mermaid.min.js": {
      body: mermaidJs,
      contentType: "text/javascript; charset=utf-8",
    },
  };
  const unexpectedRequests: string[] = [];
  const server = Deno.serve(
    { hostname: "127.0.0.1", port: 0, onListen() {} },
    (request) => {
      const { pathname } = new URL(request.url);
      const file = Object.hasOwn(files, pathname) ? files[pathname] : undefined;
      if (file !== undefined) {
        return new Response(file.body, {
          headers: { "content-type": file.contentType },
        });
      }
      unexpectedRequests.push(pathname);
      return new Response("not found", { status: 404 });
    },
  );
  try {
    const chromium = await loadChromium();
    const browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: [...CHROMIUM_ARGS],
      timeout: 15_000,
    });
    try {
      const page = await browser.newPage({ viewport: options.viewport });
      page.setDefaultTimeout(10_000);
      const pageErrors: string[] = [];
      const dialogs: string[] = [];
      page.on("pageerror", (error) => pageErrors.push(error.message));
      page.on("dialog", (dialog) => {
        dialogs.push(dialog.message());
        dialog.dismiss().catch(() => {});
      });
      await page.goto(`http://127.0.0.1:${server.addr.port}/`);
      await use({ page, pageErrors, dialogs });
    } finally {
      await browser.close();
    }
  } finally {
    await server.shutdown();
  }
  return unexpectedRequests;
}

/**
 * Serves a page, the Mermaid bundle and the charts on 127.0.0.1, opens the
 * page in Chromium, renders every chart, writes a screenshot of the whole page
 * and hands the page to `check`.
 *
 * @param blocks The Mermaid blocks, without their fences.
 * @param options `width`: each chart's box, in CSS pixels; `screenshot`: the
 *   PNG to write; `captions`: per chart, text for the screenshot to show
 *   above and below it.
 * @param check The test's checks of the rendered page.
 * @returns The paths the page asked for that it should not have.
 */
export function renderMermaidBlocks(
  blocks: readonly string[],
  options: {
    width: number;
    screenshot: URL;
    captions?: readonly { above?: string; below?: string }[];
  },
  check: (rendered: RenderedCharts) => Promise<void>,
): Promise<string[]> {
  const charts = JSON.stringify(
    blocks.map((chart, index) => ({ chart, ...options.captions?.[index] })),
  );
  return withChromiumPage(
    page(options.width),
    {
      viewport: { width: options.width + 20, height: 600 },
      files: {
        "/charts.json": {
          body: charts,
          contentType: "application/json; charset=utf-8",
        },
      },
    },
    async ({ page, pageErrors, dialogs }) => {
      await page.waitForSelector("body[data-done]", { state: "attached" });
      await Deno.mkdir(new URL(".", options.screenshot), { recursive: true });
      await Deno.writeFile(
        options.screenshot,
        await page.screenshot({ fullPage: true }),
      );
      const results = await page.evaluate("window.renderResults") as {
        error: string | null;
      }[];
      await check({ page, results, pageErrors, dialogs });
    },
  );
}

/** A box on the page, in CSS pixels. */
export interface Box {
  /** Left edge. */
  x: number;
  /** Top edge. */
  y: number;
  /** Width. */
  width: number;
  /** Height. */
  height: number;
}

/**
 * Whether two boxes do not overlap: they may touch, or overlap by less than
 * half a pixel (rounding).
 */
export function boxesApart(a: Box, b: Box): boolean {
  return a.x + a.width <= b.x + 0.5 || b.x + b.width <= a.x + 0.5 ||
    a.y + a.height <= b.y + 0.5 || b.y + b.height <= a.y + 0.5;
}
