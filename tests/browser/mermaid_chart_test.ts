/**
 * Renders the Markdown report's Mermaid `xychart-beta` blocks with the real
 * Mermaid bundle in headless Chromium (Debian's `/usr/bin/chromium`, driven by
 * playwright-core) and checks that each one draws a bar per run.
 *
 * Needs Debian's Chromium: `apt-get update && apt-get install -y chromium`.
 * Writes a screenshot to `tests/output/mermaid_charts.png`.
 */
import assert from "node:assert/strict";
import { compareCandidates } from "../../lib/review/baseline_comparison.ts";
import type { CategorisedRuns } from "../../lib/review/categorise.ts";
import { markdownReport } from "../../lib/report/markdown.ts";
import { metricGoals } from "../../lib/review/metric_goals.ts";
import { countRuns } from "../../lib/review/run_counts.ts";
import type { WandbRun } from "../../lib/wandb/run.ts";
import {
  assertChromiumInstalled,
  boxesApart,
  mermaidBlocks,
  type RenderedCharts,
  renderMermaidBlocks,
} from "./_chromium.ts";

const HOSTILE_NAME = "a|b<img src=x onerror=alert(1)>";
const SCREENSHOT = new URL("../output/mermaid_charts.png", import.meta.url);
/**
 * A bar of an `xychart-beta`: a `rect` in a bar series' group
 * (`bar-plot-0`, one per `bar` line) of the plot. Not every `rect` of the SVG:
 * the background is one too.
 */
const BAR_SELECTOR = 'g.plot > g[class^="bar-plot-"] > rect';
/**
 * An x-axis label of an `xychart-beta horizontal`: the runs' axis is drawn on
 * the left, one label per row.
 */
const X_LABEL_SELECTOR = "g.left-axis > g.label > text";

/** The numbers in a block's `bar [...]` line. */
function barValues(block: string): number[] {
  const line = block.match(/^\s*bar \[(.*)\]\s*$/m);
  assert.ok(line, `no bar line in:\n${block}`);
  return line[1].split(",").map((value) => Number(value.trim())).filter(
    Number.isFinite,
  );
}

/** The labels in a block's `x-axis [...]` line. */
function xAxisLabels(block: string): string[] {
  const line = block.match(/^\s*x-axis (\[.*\])\s*$/m);
  assert.ok(line, `no x-axis line in:\n${block}`);
  return JSON.parse(line[1]);
}

function run(
  runId: string,
  summary: Record<string, unknown>,
  displayName = `run-${runId}`,
): WandbRun {
  return {
    runId,
    displayName,
    state: "finished",
    tags: [],
    description: null,
    createdAt: "2026-01-01T00:00:00.000Z",
    config: {},
    summary,
  };
}

/** The report of `runs` for `acc` and `val_loss`, with charts. */
function reportOf(runs: CategorisedRuns): string {
  const goals = metricGoals(["acc", "val_loss"]);
  const aggregate = "best";
  return markdownReport(runs, {
    appUrl: "https://wandb.ai",
    entity: "github",
    project: "predict-issue-labels",
    selection: { githubSha: "86edd034aaba1498dbae6465cf994de90be6a4b2" },
    goals,
    configVars: [],
    aggregate,
    analysis: compareCandidates(runs, { goals, aggregate }),
    counts: countRuns(runs),
    charts: true,
    csvName: "wandb_report.csv",
  });
}

function report(): string {
  return reportOf({
    candidates: [
      run("cand0001", { acc: 0.93, val_loss: 0.41 }),
      run("cand0002", { acc: 0.88, val_loss: 0.39 }),
      // No val_loss: one bar fewer in that chart.
      run("cand0003", { acc: 0.9 }),
    ],
    baselines: [
      run("base0001", { acc: 0.9, val_loss: 0.45 }),
      run("base0002", { acc: 0.92, val_loss: 0.4 }, HOSTILE_NAME),
    ],
  });
}

/**
 * A 100-run project: 90 finished candidates and 10 baselines, some with long
 * or shared names, as a busy sweep logs them.
 */
function hundredRunReport(): string {
  const candidates = Array.from(
    { length: 90 },
    (_, index) =>
      run(
        `c${String(index).padStart(7, "0")}`,
        {
          acc: 0.5 + index / 200,
          val_loss: 1 - index / 200,
        },
        index % 3 === 0
          ? `sweep-lr-${index}-batch-size-512-warmup-cosine-schedule`
          : index % 3 === 1
          ? "train"
          : `glad-sun-${index}`,
      ),
  );
  const baselines = Array.from(
    { length: 10 },
    (_, index) =>
      run(`b${String(index).padStart(7, "0")}`, {
        acc: 0.6 + index / 50,
        val_loss: 0.9 - index / 50,
      }, `production-model-v${index}-with-a-long-descriptive-name`),
  );
  return reportOf({ candidates, baselines });
}

Deno.test("the report's Mermaid charts render as bar charts in Chromium", async (t) => {
  await assertChromiumInstalled();

  const markdown = report();
  const blocks = mermaidBlocks(markdown);
  await t.step("the report has one xychart per metric", () => {
    assert.equal(blocks.length, 2, markdown);
    for (const block of blocks) {
      assert.match(block, /^xychart-beta horizontal\n/);
      // The y-axis range "0 --> max" is Mermaid's own syntax; nothing else may hold these.
      assert.doesNotMatch(
        block.replace(/ -?[\d.e+-]+ --> -?[\d.e+-]+$/m, ""),
        /[<>|=]/,
        "HTML or a pipe reached the chart",
      );
      assert.match(block, /^ {2}y-axis "[^"]+" 0 --> [\d.]+$/m);
    }
    assert.deepEqual(xAxisLabels(blocks[0]), [
      "run-cand0001",
      "run-cand0002",
      "run-cand0003",
      "run-base0001 (baseline)",
      "abimg srcx onerroralert1 (baseline)",
    ]);
    assert.deepEqual(xAxisLabels(blocks[1]), [
      "run-cand0001",
      "run-cand0002",
      "run-base0001 (baseline)",
      "abimg srcx onerroralert1 (baseline)",
    ]);
  });

  const busyBlocks = mermaidBlocks(hundredRunReport());
  await t.step("a 100-run project charts at most 12 bars per metric", () => {
    assert.equal(busyBlocks.length, 2);
    for (const block of busyBlocks) {
      const labels = xAxisLabels(block);
      assert.ok(labels.length <= 12, `${labels.length} bars`);
      assert.equal(new Set(labels).size, labels.length, "labels are unique");
      assert.equal(
        labels.filter((label) => label.endsWith("(baseline)")).length,
        1,
        "the compared baseline is charted",
      );
    }
  });
  blocks.push(...busyBlocks);

  const unexpectedRequests = await renderInChromium(t, blocks);
  assert.deepEqual(unexpectedRequests, [], "requests the page should not make");
});

/**
 * Renders the charts in Chromium (700 px wide) and checks every one; returns
 * the paths the page asked for that it should not have.
 */
function renderInChromium(
  t: Deno.TestContext,
  blocks: readonly string[],
): Promise<string[]> {
  return renderMermaidBlocks(
    blocks,
    { width: 700, screenshot: SCREENSHOT },
    (rendered) => checkCharts(t, rendered, blocks),
  );
}

async function checkCharts(
  t: Deno.TestContext,
  { page, results, pageErrors, dialogs }: RenderedCharts,
  blocks: readonly string[],
) {
  await t.step("Mermaid rendered every chart without an error", () => {
    assert.deepEqual(pageErrors, []);
    assert.deepEqual(results, blocks.map(() => ({ error: null })));
  });

  for (const [index, block] of blocks.entries()) {
    const title = block.match(/^\s*title "(.*)"$/m)?.[1];
    await t.step(`chart ${index} (${title})`, async () => {
      const svg = page.locator(`svg#chart-${index}`);
      assert.equal(await svg.count(), 1, "no <svg> for the chart");
      const values = barValues(block);
      const labels = xAxisLabels(block);
      assert.equal(values.length, labels.length);
      // Mermaid draws a rect per x-axis label, with a NaN length where the
      // series has no value: a bar is a rect with a real length, which in a
      // horizontal chart is its width.
      const rects = await svg.locator(BAR_SELECTOR).all();
      assert.equal(rects.length, labels.length, "one rect per x-axis label");
      const heights = (await Promise.all(
        rects.map((rect) => rect.getAttribute("width")),
      )).map(Number).filter((height) => Number.isFinite(height) && height > 0);
      assert.equal(
        heights.length,
        values.length,
        "one bar per run with a numeric value",
      );
      for (const [i, value] of values.entries()) {
        for (const [j, other] of values.entries()) {
          assert.equal(
            Math.sign(heights[i] - heights[j]),
            Math.sign(value - other),
            `bar ${i} (${value}) against bar ${j} (${other})`,
          );
        }
      }
      assert.deepEqual(
        await svg.locator(X_LABEL_SELECTOR).allTextContents(),
        labels,
      );
      const axisText = (await svg.locator("g.left-axis").textContent()) ??
        "";
      for (const label of labels) assert.ok(axisText.includes(label), label);
      const boxes = await Promise.all(
        (await svg.locator(X_LABEL_SELECTOR).all()).map((label) =>
          label.boundingBox()
        ),
      );
      for (const [i, a] of boxes.entries()) {
        assert.ok(a !== null && a.width > 0, `label ${i} is drawn`);
        for (const b of boxes.slice(i + 1)) {
          assert.ok(
            boxesApart(a, b!),
            `labels ${labels[i]} and another overlap`,
          );
        }
      }
    });
  }

  await t.step("the hostile display name stays text", async () => {
    assert.equal(await page.locator("img").count(), 0);
    assert.deepEqual(dialogs, []);
  });
}
