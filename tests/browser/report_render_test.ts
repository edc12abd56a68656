/**
 * The Markdown report as a reviewer sees it in a pull-request comment:
 * rendered as GitHub renders a comment (GFM, GitHub's HTML sanitising,
 * Mermaid blocks drawn as charts; `_github_markdown.ts`) in Debian's
 * Chromium, 900 px wide, then measured. Folded, the demo's report fits in one
 * screen; unfolded, no chart's labels overlap and every chart tells
 * candidates from baselines as its key says.
 *
 * Needs Debian's Chromium: `apt-get update && apt-get install -y chromium`.
 * Writes `tests/output/report_demo_closed.png`,
 * `tests/output/report_demo_open.png` and
 * `tests/output/report_40_runs_open.png`.
 *
 * @module
 */
import assert from "node:assert/strict";
import type { Locator, Page } from "playwright-core";
import { COMMENT_LIMIT } from "../../lib/github/limits.ts";
import { CURVE_COLOURS } from "../../lib/report/line_chart.ts";
import { markdownReport } from "../../lib/report/markdown.ts";
import type { RunEvidence } from "../../lib/review/evidence.ts";
import { judgeRuns } from "../../lib/review/judge_runs.ts";
import { metricGoals } from "../../lib/review/metric_goals.ts";
import type { WandbRun } from "../../lib/wandb/run.ts";
import { ROOT } from "../_action_step.ts";
import { runCommand, tempFolder } from "../_helpers.ts";
import { assertChromiumInstalled, type Box, boxesApart } from "./_chromium.ts";
import {
  markdownToHtml,
  type RenderedComment,
  renderGithubComment,
} from "./_github_markdown.ts";

/** A pull request's comment column on a laptop, in CSS pixels. */
const WIDTH = 900;
/** The most the folded report may take: one laptop screen. */
const MAX_FOLDED_HEIGHT = 900;
const OUTPUT = new URL("../output/", import.meta.url);
/** The key's squares of baseline and production runs' lines: black and brown. */
const DARK_SQUARES: ReadonlySet<string> = new Set(["⬛", "🟫"]);

/** Whose bar or line a run's is: production is the baseline in production. */
type Role = "candidate" | "baseline" | "production";

/** A run of a report, as the test knows it apart from the report. */
interface KnownRun {
  runId: string;
  name: string;
  role: Role;
}

/** One entry of a chart's key: `🟦 candidate dashing-leaf-4` (bar keys name no run). */
interface KeyEntry {
  square: string;
  role: Role;
  /** The run's name as the key writes it (Markdown unescaped), or "". */
  name: string;
}

/** A ```` ```mermaid ```` block of the report, and the key line under it. */
interface ChartBlock {
  text: string;
  kind: "bar" | "line";
  /** The x-axis' categories of a bar chart. */
  categories: string[];
  key?: KeyEntry[];
}

/** Markdown's escapes undone: `\_` and entities, as GitHub shows the text. */
function unescapeMarkdown(text: string): string {
  return text.replace(/\\(.)/g, "$1").replace(/&#8203;/g, "")
    .replace(/&lt;/g, "<").replace(/&gt;/g, ">").replace(/&quot;/g, '"')
    .replace(/&amp;/g, "&");
}

/** A key line's entries; `undefined` when the line is not a key. */
function parseKey(line: string | undefined): KeyEntry[] | undefined {
  if (line === undefined) return undefined;
  const entries = line.split(" · ").map((entry) =>
    entry.match(/^(\S+) (candidate|baseline|production)\b ?(.*)$/u)
  );
  if (entries.some((entry) => entry === null || !(entry[1] in CURVE_COLOURS))) {
    return undefined;
  }
  return entries.map((entry) => ({
    square: entry![1],
    role: entry![2] as Role,
    name: unescapeMarkdown(entry![3]),
  }));
}

/** Every Mermaid block of a report, in order, with the first line after it when that is a key. */
function chartBlocks(markdown: string): ChartBlock[] {
  const lines = markdown.split("\n");
  const blocks: ChartBlock[] = [];
  for (let index = 0; index < lines.length; index++) {
    if (lines[index].trim() !== "```mermaid") continue;
    const end = lines.findIndex((line, at) =>
      at > index && line.trim() === "```"
    );
    assert.ok(end > index, `an unclosed Mermaid block at line ${index + 1}`);
    const text = lines.slice(index + 1, end).join("\n");
    const after = lines.slice(end + 1).find((line) => line.trim() !== "");
    const bar = /^\s*xychart-beta horizontal$/m.test(text);
    const categories = text.match(/^\s*x-axis (\[.*\])\s*$/m)?.[1];
    blocks.push({
      text,
      kind: bar ? "bar" : "line",
      categories: bar && categories !== undefined ? JSON.parse(categories) : [],
      key: parseKey(after?.trim()),
    });
    index = end;
  }
  return blocks;
}

/**
 * The known runs a label or a key's name stands for: the run whose id it
 * holds, else those whose name it is (or starts, when cut with `…`).
 */
function runsShownAs(shown: string, runs: readonly KnownRun[]): KnownRun[] {
  const words = shown.split(" ");
  const byId = runs.filter((run) => words.includes(run.runId));
  if (byId.length > 0) return byId;
  const cut = shown.indexOf("…");
  return runs.filter((run) =>
    cut >= 0
      ? run.name.startsWith(shown.slice(0, cut))
      : shown === run.name || shown.startsWith(`${run.name} `)
  );
}

/** The one role of the runs a label stands for; fails when none or several. */
function roleShownAs(shown: string, runs: readonly KnownRun[]): Role {
  const roles = new Set(runsShownAs(shown, runs).map((run) => run.role));
  assert.equal(
    roles.size,
    1,
    `"${shown}" should name runs of one role, named ${
      roles.size === 0 ? "no known run" : `runs of roles ${[...roles]}`
    }`,
  );
  return [...roles][0];
}

/** Every text of a chart (title, axis labels, axis titles) with its box. */
function chartTexts(svg: Locator): Promise<{ text: string; box: Box }[]> {
  return svg.locator("text").evaluateAll((texts) =>
    texts.map((text) => {
      const { x, y, width, height } = text.getBoundingClientRect();
      return { text: text.textContent ?? "", box: { x, y, width, height } };
    })
  );
}

async function assertLabelsApart(svg: Locator): Promise<void> {
  const texts = (await chartTexts(svg)).filter(({ text }) => text !== "");
  assert.ok(texts.length > 0, "the chart has no text");
  for (const [i, a] of texts.entries()) {
    assert.ok(a.box.width > 0, `"${a.text}" is not drawn`);
    for (const b of texts.slice(i + 1)) {
      assert.ok(
        boxesApart(a.box, b.box),
        `"${a.text}" and "${b.text}" overlap: ${JSON.stringify(a.box)} and ${
          JSON.stringify(b.box)
        }`,
      );
    }
  }
}

/** What the checks use of an element in the page (the DOM's types are not loaded here). */
interface InPageElement {
  readonly localName: string;
  readonly textContent: string | null;
  readonly ownerDocument: {
    elementFromPoint(x: number, y: number): InPageElement | null;
  };
  querySelectorAll(selector: string): ArrayLike<InPageElement>;
  getBoundingClientRect(): Box & {
    left: number;
    right: number;
    top: number;
    bottom: number;
  };
  getAttribute(name: string): string | null;
  closest(selector: string): InPageElement | null;
  scrollIntoView(options: { block: "center" }): void;
}

/** A row of a bar chart as it shows: its label, and the colours seen along its bar. */
interface BarRow {
  label: string;
  labelBox: Box;
  /** From the axis to the end of its longest rect. */
  barBox: Box;
  /** The fills seen along the row's middle, left to right, each once. */
  colours: string[];
}

/**
 * Each category row of a horizontal bar chart as a reviewer sees it: the
 * colours on top along the middle of the row (a later series' rect covers an
 * earlier one's), sampled every pixel from the axis to the longest rect's end.
 */
function barRows(svg: Locator): Promise<BarRow[]> {
  return svg.evaluate((svgElement) => {
    const chart = svgElement as unknown as InPageElement;
    const series = Array.from(
      chart.querySelectorAll('g.plot > g[class^="bar-plot-"]'),
    ).map((group) => Array.from(group.querySelectorAll("rect")));
    const labels = Array.from(
      chart.querySelectorAll("g.left-axis > g.label > text"),
    );
    return labels.map((label, row) => {
      label.scrollIntoView({ block: "center" });
      const boxes = series.flatMap((rects) =>
        rects[row] === undefined ? [] : [rects[row].getBoundingClientRect()]
      ).filter((box) => box.width > 0);
      const left = Math.min(...boxes.map((box) => box.left));
      const right = Math.max(...boxes.map((box) => box.right));
      const top = Math.min(...boxes.map((box) => box.top));
      const bottom = Math.max(...boxes.map((box) => box.bottom));
      const middle = (top + bottom) / 2;
      const colours: string[] = [];
      for (let x = left + 0.5; x < right; x += 1) {
        const hit = chart.ownerDocument.elementFromPoint(x, middle);
        if (hit?.localName !== "rect" || hit.closest("g.plot") === null) {
          continue;
        }
        const fill = (hit.getAttribute("fill") ?? "").toUpperCase();
        if (!colours.includes(fill)) colours.push(fill);
      }
      const labelBox = label.getBoundingClientRect();
      return {
        label: label.textContent ?? "",
        labelBox: {
          x: labelBox.x,
          y: labelBox.y,
          width: labelBox.width,
          height: labelBox.height,
        },
        barBox: { x: left, y: top, width: right - left, height: bottom - top },
        colours,
      };
    });
  });
}

/** The colour a key's square names, as Mermaid writes fills. */
function squareColour(square: string): string {
  const colour = CURVE_COLOURS[square];
  assert.ok(colour !== undefined, `the key's ${square} names no colour`);
  return colour.toUpperCase();
}

/**
 * A bar chart: a bar per row, each in the colour the key gives its run's
 * role, beside its label; candidates' colour is not baselines'.
 */
async function checkBarChart(
  svg: Locator,
  block: ChartBlock,
  runs: readonly KnownRun[],
): Promise<void> {
  const rows = await barRows(svg);
  assert.deepEqual(rows.map((row) => row.label), block.categories);
  assert.ok(block.key !== undefined, "no key of coloured squares under it");
  const keyColour = new Map(
    block.key.map((entry) => [entry.role, squareColour(entry.square)]),
  );
  for (const role of ["baseline", "production"] as const) {
    if (!keyColour.has(role)) continue;
    assert.notEqual(
      keyColour.get(role),
      keyColour.get("candidate"),
      `the key gives candidates and ${role} runs one colour`,
    );
  }
  const wrongColours: string[] = [];
  for (const row of rows) {
    const role = roleShownAs(row.label, runs);
    const expected = keyColour.get(role);
    if (row.colours.length !== 1 || row.colours[0] !== expected) {
      wrongColours.push(
        `${row.label}, a ${role}, shows ${
          row.colours.join(" then ")
        } from the axis out, not only the key's ${expected}`,
      );
    }
    const middle = row.labelBox.y + row.labelBox.height / 2;
    assert.ok(
      row.barBox.y <= middle && middle <= row.barBox.y + row.barBox.height,
      `the bar of ${row.label} is not beside its label`,
    );
  }
  assert.deepEqual(wrongColours, [], "rows not in their role's colour alone");
}

/**
 * A line chart: a line per key entry, in its square's colour, baselines' and
 * production's squares dark and candidates' bright, each naming a run of its
 * role.
 */
async function checkLineChart(
  svg: Locator,
  block: ChartBlock,
  runs: readonly KnownRun[],
): Promise<void> {
  const strokes = (await svg.locator('g.plot > g[class^="line-plot-"] > path')
    .evaluateAll((paths) => paths.map((path) => path.getAttribute("stroke"))))
    .map((stroke) => (stroke ?? "").toUpperCase());
  assert.ok(block.key !== undefined, "no key of coloured squares under it");
  assert.equal(strokes.length, block.key.length, "a line per key entry");
  for (const [index, entry] of block.key.entries()) {
    assert.equal(
      strokes[index],
      squareColour(entry.square),
      `line ${index} against the key's ${entry.square} ${entry.name}`,
    );
    assert.equal(
      DARK_SQUARES.has(entry.square),
      entry.role !== "candidate",
      `${entry.role} ${entry.name} is drawn in ${entry.square}`,
    );
    const shownRole = roleShownAs(entry.name, runs);
    assert.ok(
      shownRole === entry.role ||
        (entry.role === "baseline" && shownRole === "production"),
      `the key calls ${entry.name} a ${entry.role}; it is a ${shownRole}`,
    );
  }
  const candidateStrokes = strokes.filter((_, index) =>
    block.key![index].role === "candidate"
  );
  for (const [index, stroke] of strokes.entries()) {
    if (block.key[index].role === "candidate") continue;
    assert.ok(
      !candidateStrokes.includes(stroke),
      `a candidate's line shares ${block.key[index].name}'s colour ${stroke}`,
    );
  }
}

/** The height of what shows of the comment: from its first block's top to its last's bottom. */
function shownHeight(page: Page): Promise<number> {
  return page.locator("article.markdown-body > *").evaluateAll((blocks) =>
    blocks.length === 0 ? 0 : blocks.at(-1)!.getBoundingClientRect().bottom -
      blocks[0].getBoundingClientRect().top
  );
}

/** Opens every `<details>`, as a reviewer clicking each summary. */
async function openAllDetails(page: Page): Promise<number> {
  return await page.locator("details").evaluateAll((details) => {
    for (const element of details) element.setAttribute("open", "");
    return details.length;
  });
}

async function screenshot(page: Page, name: string): Promise<void> {
  await Deno.mkdir(OUTPUT, { recursive: true });
  await Deno.writeFile(
    new URL(name, OUTPUT),
    await page.screenshot({ fullPage: true }),
  );
}

/** Every chart drawn without an error, its labels apart, its roles told apart. */
async function checkCharts(
  t: Deno.TestContext,
  { page, rendering }: RenderedComment,
  blocks: readonly ChartBlock[],
  runs: readonly KnownRun[],
): Promise<void> {
  await t.step("Mermaid drew every chart without an error", () => {
    assert.deepEqual(rendering.charts, blocks.map(() => ({ error: null })));
    assert.ok(blocks.length > 0, "the report has no chart");
  });
  for (const [index, block] of blocks.entries()) {
    const title = block.text.match(/^\s*title "(.*)"$/m)?.[1];
    await t.step(`${block.kind} chart ${index} (${title})`, async (t) => {
      const svg = page.locator(`svg#chart-${index}`);
      assert.equal(await svg.count(), 1, "no <svg> for the chart");
      await t.step("no two labels overlap", () => assertLabelsApart(svg));
      await t.step(
        "candidates are told from baselines, as the key says",
        () =>
          block.kind === "bar"
            ? checkBarChart(svg, block, runs)
            : checkLineChart(svg, block, runs),
      );
    });
  }
}

/** Nothing ran that a comment may not run: no error, no dialog. */
function assertQuiet({ pageErrors, dialogs }: RenderedComment): void {
  assert.deepEqual(pageErrors, [], "errors the page threw");
  assert.deepEqual(dialogs, [], "dialogs the page opened");
}

/** The demo's report as `deno task demo` writes it, and its runs from its JSON report. */
async function demoReport(): Promise<{ markdown: string; runs: KnownRun[] }> {
  const folder = await tempFolder();
  try {
    const result = await runCommand(Deno.execPath(), {
      args: [
        "run",
        `--config=${ROOT}/testing/deno.json`,
        "--allow-net=127.0.0.1",
        "--allow-env",
        "--allow-read=.",
        "--allow-write=.",
        `${ROOT}/tests/demo.ts`,
      ],
      cwd: folder.path,
    });
    assert.equal(result.code, 0, result.stderr);
    const json = JSON.parse(
      await Deno.readTextFile(`${folder.path}/wandb_report.json`),
    ) as {
      production?: { runId: string };
      runs: { runId: string; displayName: string; category: Role }[];
    };
    return {
      markdown: await Deno.readTextFile(`${folder.path}/wandb_report.md`),
      runs: json.runs.map((run) => ({
        runId: run.runId,
        name: run.displayName,
        role: run.runId === json.production?.runId
          ? "production"
          : run.category,
      })),
    };
  } finally {
    await folder.remove();
  }
}

/** A number from 0 to 1 that looks random but is the same each run. */
function noise(seed: number): number {
  const x = Math.sin(seed * 12.9898) * 43758.5453;
  return x - Math.floor(x);
}

/**
 * A loss curve falling from `start` towards `floor` and flattening well
 * before its last step, every 50 steps to 2000, with a little noise.
 */
function lossCurve(
  start: number,
  floor: number,
  seed: number,
): { step: number; value: number }[] {
  return Array.from({ length: 41 }, (_, index) => {
    const step = index * 50;
    return {
      step,
      value: floor + (start - floor) / (1 + step / (60 + 5 * seed)) +
        0.01 * (noise(seed * 100 + index) - 0.5),
    };
  });
}

/** A finished run with 5 metrics (`eval/f1` missing from every 4th) and 2 config values. */
function sweepRun(runId: string, name: string, seed: number): WandbRun {
  return {
    runId,
    displayName: name,
    state: "finished",
    tags: [],
    description: null,
    createdAt: "2026-11-01T00:00:00.000Z",
    config: {
      learning_rate: 10 ** -(2 + (seed % 3)),
      num_layers: 2 + seed % 5,
    },
    summary: {
      acc: 0.8 + 0.15 * noise(seed),
      loss: 0.3 + 0.3 * noise(seed + 1),
      val_acc: 0.7 + 0.2 * noise(seed + 2),
      val_loss: 0.9 + 0.3 * noise(seed + 3),
      ...(seed % 4 === 0 ? {} : { "eval/f1": 0.6 + 0.3 * noise(seed + 4) }),
    },
  };
}

/**
 * What W&B would record of a sweep beyond summaries: the production
 * baseline, curves of `loss` and `val_loss` for `curved` runs, and one of
 * two versions of the training data for every run (the older for every 7th).
 */
function sweepEvidence(
  runs: readonly WandbRun[],
  curved: readonly WandbRun[],
  productionId: string,
): RunEvidence {
  const dataset = (versionIndex: number, digest: string) => ({
    collection: "issues-train",
    versionIndex,
    type: "dataset",
    digest,
  });
  return {
    production: {
      runId: productionId,
      alias: "github-org/wandb-registry-model/issue-labeler:production",
      version: {
        collection: `model-${productionId}`,
        versionIndex: 0,
        type: "model",
        digest: "9d4f01aa9d4f01aa",
      },
    },
    historyMetrics: ["loss", "val_loss"],
    history: new Map(
      curved.map((run, index) => [
        run.runId,
        new Map([
          ["loss", lossCurve(2.3, 0.3 + 0.02 * index, index)],
          ["val_loss", lossCurve(1.6, 0.9 + 0.01 * index, index + 5)],
        ]),
      ]),
    ),
    dataTypes: ["dataset"],
    inputs: new Map(
      runs.map((run, index) => [
        run.runId,
        [index % 7 === 0 ? dataset(0, "832feeec") : dataset(1, "842ff07f")],
      ]),
    ),
    expected: [],
  };
}

/**
 * A 40-run review as a busy sweep logs it: 30 finished candidates (long,
 * short and shared names) and 10 baselines, one in production, 5 metrics,
 * curves for 5 baselines (the production one last) and every candidate, two
 * versions of the training data, gates and a significance level; through
 * the review's own functions and the report's, at GitHub's comment limit.
 */
function fortyRunReport(): { markdown: string; runs: KnownRun[] } {
  const metrics = ["acc", "loss", "val_acc", "val_loss", "eval/f1"];
  const candidates = Array.from({ length: 30 }, (_, index) =>
    sweepRun(
      `c${String(index).padStart(7, "0")}`,
      index % 3 === 0
        ? `sweep-lr-${index}-batch-512-warmup-cosine`
        : index % 3 === 1
        ? "train"
        : `glad-sun-${index}`,
      index,
    ));
  const baselines = Array.from({ length: 10 }, (_, index) =>
    sweepRun(
      `b${String(index).padStart(7, "0")}`,
      index % 2 === 0
        ? `resnet-baseline-v${index}-with-a-long-descriptive-name`
        : `reference-${index}`,
      100 + index,
    ));
  const productionId = baselines[4].runId;
  const evidence = sweepEvidence(
    [...candidates, ...baselines],
    [...baselines.slice(0, 5), ...candidates],
    productionId,
  );
  const goals = metricGoals(metrics);
  const judged = judgeRuns({ candidates, baselines }, {
    goals,
    aggregate: "best",
    gates: {
      thresholds: [{ metric: "val_acc", operator: ">=", value: 0.75 }],
      failOnRegression: ["val_loss"],
      tolerance: { kind: "relative", value: 0.05 },
      requireComplete: false,
      significance: 0.05,
      convergence: ["val_loss"],
      requireSameData: true,
    },
    evidence,
  });
  const context: Parameters<typeof markdownReport>[1] = {
    appUrl: "https://wandb.ai",
    entity: "github",
    project: "predict-issue-labels",
    selection: { githubSha: "86edd034aaba1498dbae6465cf994de90be6a4b2" },
    goals,
    configVars: ["learning_rate", "num_layers"],
    aggregate: "best",
    analysis: judged.analysis,
    counts: judged.counts,
    gate: judged.gate,
    charts: true,
    csvName: "wandb_report.csv",
    limit: COMMENT_LIMIT,
    evidence,
    noise: judged.noise,
    significance: 0.05,
    directionsSetting: "METRIC_GOALS",
  };
  return {
    markdown: markdownReport(judged.runs, context),
    runs: [
      ...candidates.map((candidate) => ({
        runId: candidate.runId,
        name: candidate.displayName,
        role: "candidate" as const,
      })),
      ...baselines.map((baseline) => ({
        runId: baseline.runId,
        name: baseline.displayName,
        role: baseline.runId === productionId
          ? "production" as const
          : "baseline" as const,
      })),
    ],
  };
}

Deno.test("the comment renderer sanitises HTML as GitHub does", async (t) => {
  await assertChromiumInstalled();
  const hostile = [
    "<script>window.ran = true; alert('script')</script>",
    '<img src="/hostile.png" onerror="alert(\'onerror\')" style="width: 999px">',
    "<a href=\"javascript:alert('link')\">plain</a>",
    "<a href=\"JaVaScRiPt&#58;alert('entity')\">entity</a>",
    '<a href="https://github.com/" onclick="alert(\'click\')">kept</a>',
    '<div style="position: fixed" class="x" id="y">styled</div>',
    "<details open><summary>Folded</summary>",
    "",
    "**inside**",
    "",
    "</details>",
    '<iframe src="/frame"></iframe><style>body { display: none }</style>',
    "<!-- a comment --><table><tr><td onmouseover=\"alert('cell')\">cell</td></tr></table>",
    "<ul><li>item</li></ul>",
  ].join("\n");

  await t.step(
    "marked passes the raw HTML through, as GitHub's parser does",
    () => {
      const html = markdownToHtml(hostile);
      assert.match(html, /<script>/);
      assert.match(html, /onerror=/);
    },
  );

  const unexpectedRequests = await renderGithubComment(
    hostile,
    WIDTH,
    async ({ page, pageErrors, dialogs }) => {
      const sanitised = await page.evaluate(
        `window.githubSanitize(${JSON.stringify(markdownToHtml(hostile))})`,
      ) as string;
      await t.step("scripts go with their content", () => {
        assert.doesNotMatch(sanitised, /<script|window\.ran|alert\('script'\)/);
      });
      await t.step("every on* handler and style goes", () => {
        assert.doesNotMatch(sanitised, /\son\w+=|style=|class=|id=/);
        assert.match(sanitised, /<img src="\/hostile.png">/);
      });
      await t.step("javascript: links lose their href, others keep it", () => {
        assert.doesNotMatch(sanitised, /javascript/i);
        assert.match(sanitised, /<a>plain<\/a>/);
        assert.match(sanitised, /<a>entity<\/a>/);
        assert.match(sanitised, /<a href="https:\/\/github.com\/">kept<\/a>/);
      });
      await t.step("details, summary, tables and lists stay", () => {
        assert.match(sanitised, /<details open=""><summary>Folded<\/summary>/);
        assert.match(sanitised, /<strong>inside<\/strong>/);
        assert.match(sanitised, /<td>cell<\/td>/);
        assert.match(sanitised, /<ul>\s*<li>item<\/li>\s*<\/ul>/);
      });
      await t.step("other elements and comments go, their text stays", () => {
        assert.doesNotMatch(sanitised, /<iframe|<style|<!--/);
        assert.match(sanitised, /<div>styled<\/div>/);
      });
      await t.step("on the page, nothing ran", async () => {
        // A broken image is complete: its onerror, had it stayed, has fired.
        await page.waitForFunction(
          "document.querySelector('#comment img').complete",
        );
        assert.equal(await page.evaluate("window.ran"), undefined);
        assert.equal(
          await page.locator(
            "#comment :is(script, iframe, style, [onerror], [style])",
          ).count(),
          0,
        );
        assert.deepEqual(pageErrors, []);
        assert.deepEqual(dialogs, []);
      });
    },
  );
  // The image was asked for (and not found) without its onerror alerting.
  assert.deepEqual(unexpectedRequests, ["/hostile.png"]);
});

Deno.test("the demo's report in a pull-request comment: one screen folded, legible charts unfolded", async (t) => {
  await assertChromiumInstalled();
  const { markdown, runs } = await demoReport();
  const blocks = chartBlocks(markdown);
  const unexpectedRequests = await renderGithubComment(
    markdown,
    WIDTH,
    async (rendered) => {
      const { page } = rendered;
      await screenshot(page, "report_demo_closed.png");
      await t.step(
        `folded, it is at most ${MAX_FOLDED_HEIGHT} px tall`,
        async () => {
          const height = await shownHeight(page);
          const folded = await page.locator("details:not([open])").count();
          console.log(
            `The demo's report, ${folded} <details> folded, shows ${
              Math.round(height)
            } px at ${WIDTH} px wide.`,
          );
          assert.ok(folded > 0, "nothing is folded in <details>");
          assert.ok(
            height <= MAX_FOLDED_HEIGHT,
            `the folded report is ${
              Math.round(height)
            } px tall, expected at most ${MAX_FOLDED_HEIGHT} px`,
          );
        },
      );
      await openAllDetails(page);
      await screenshot(page, "report_demo_open.png");
      await checkCharts(t, rendered, blocks, runs);
      assertQuiet(rendered);
    },
  );
  assert.deepEqual(unexpectedRequests, [], "requests the page should not make");
});

Deno.test("a 40-run report in a pull-request comment: legible charts, candidates told from baselines", async (t) => {
  await assertChromiumInstalled();
  const { markdown, runs } = fortyRunReport();
  const blocks = chartBlocks(markdown);
  await t.step("the report has bar charts and training curves", () => {
    assert.ok(blocks.some((block) => block.kind === "bar"), "no bar chart");
    assert.ok(blocks.some((block) => block.kind === "line"), "no line chart");
  });
  const unexpectedRequests = await renderGithubComment(
    markdown,
    WIDTH,
    async (rendered) => {
      console.log(
        `The 40-run report, folded, shows ${
          Math.round(await shownHeight(rendered.page))
        } px at ${WIDTH} px wide.`,
      );
      await openAllDetails(rendered.page);
      await screenshot(rendered.page, "report_40_runs_open.png");
      await checkCharts(t, rendered, blocks, runs);
      assertQuiet(rendered);
    },
  );
  assert.deepEqual(unexpectedRequests, [], "requests the page should not make");
});
