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
import { CURVE_COLOURS } from "../../lib/report/line_chart.ts";
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
 * An x-axis label of an `xychart-beta horizontal`: the runs' axis is drawn on
 * the left, one label per row.
 */
const X_LABEL_SELECTOR = "g.left-axis > g.label > text";

/** The numbers of each of a block's `bar [...]` lines: one series per role. */
function barSeries(block: string): number[][] {
  const lines = [...block.matchAll(/^\s*bar \[(.*)\]\s*$/gm)];
  assert.ok(lines.length > 0, `no bar line in:\n${block}`);
  return lines.map((line) =>
    line[1].split(",").map((value) => Number(value.trim()))
  );
}

/** The colours of a block's series, from its init directive, lower case. */
function palette(block: string): string[] {
  const match = block.match(/"plotColorPalette": "([^"]+)"/);
  assert.ok(match, `no palette in:\n${block}`);
  return match[1].split(",").map((colour) => colour.trim().toLowerCase());
}

/** The colours of candidates' and baselines' bars (line_chart.ts's 🟦 and ⬛). */
const CANDIDATE_COLOUR = CURVE_COLOURS["🟦"].toLowerCase();
const BASELINE_COLOUR = CURVE_COLOURS["⬛"].toLowerCase();

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
      assert.match(block, /^%%\{init: .*\}%%\nxychart-beta horizontal\n/);
      // The y-axis range "0 --> max" is Mermaid's own syntax; nothing else may hold these.
      assert.doesNotMatch(
        block.replace(/ -?[\d.e+-]+ --> -?[\d.e+-]+$/m, "").replace(
          /^%%\{init: .*\}%%$/m,
          "",
        ),
        /[<>|=]/,
        "HTML or a pipe reached the chart",
      );
      assert.match(block, /^ {2}y-axis 0 --> [\d.]+$/m);
    }
    assert.deepEqual(xAxisLabels(blocks[0]), [
      "run-cand0001",
      "run-cand0002",
      "run-cand0003",
      "run-base0001",
      "abimg srcx onerroralert1",
    ]);
    assert.deepEqual(xAxisLabels(blocks[1]), [
      "run-cand0001",
      "run-cand0002",
      "run-base0001",
      "abimg srcx onerroralert1",
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
        labels.filter((label) => label.startsWith("production-model")).length,
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
      const series = barSeries(block);
      const colours = palette(block);
      const labels = xAxisLabels(block);
      assert.equal(series.length, colours.length, "a colour per series");
      // Each row has its value in its role's series alone, 0 in the others.
      const roleOf = labels.map((label, row) => {
        // A series ends at its role's last row: past its end, no bar.
        const holding = series.flatMap((values, k) =>
          values[row] !== undefined && values[row] !== 0 ? [k] : []
        );
        assert.equal(holding.length, 1, `row ${label}: one series holds it`);
        return holding[0];
      });
      const values = labels.map((_, row) => series[roleOf[row]][row]);
      // Mermaid draws a rect per x-axis label in each series' group
      // (`bar-plot-K`, one per `bar` line; the background is a rect too): the
      // row's bar is its role series' rect, whose length is its width here.
      const bars = await Promise.all(labels.map(async (_, row) => {
        const rects = await svg.locator(
          `g.plot > g.bar-plot-${roleOf[row]} > rect`,
        ).all();
        assert.equal(rects.length, labels.length, "one rect per x-axis label");
        const rect = rects[row];
        return {
          width: Number(await rect.getAttribute("width")),
          fill: (await rect.getAttribute("fill"))?.toLowerCase(),
        };
      }));
      for (const [row, bar] of bars.entries()) {
        assert.equal(
          bar.fill,
          colours[roleOf[row]],
          `row ${labels[row]}'s colour`,
        );
        const baseline = /base|onerror|production-model/.test(labels[row]);
        assert.equal(
          bar.fill,
          baseline ? BASELINE_COLOUR : CANDIDATE_COLOUR,
          `${labels[row]} is drawn as a ${baseline ? "baseline" : "candidate"}`,
        );
      }
      for (const [i, value] of values.entries()) {
        for (const [j, other] of values.entries()) {
          assert.equal(
            Math.sign(bars[i].width - bars[j].width),
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
