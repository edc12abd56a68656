/**
 * Renders the training-curve charts of `lineChartSection` with the real
 * Mermaid bundle in headless Chromium (Debian's `/usr/bin/chromium`, driven by
 * playwright-core), 900 px wide, and checks that each draws one line per run,
 * in the key's colours, through the resampled values at the steps Mermaid
 * places them at, with no axis labels on top of each other.
 *
 * Needs Debian's Chromium: `apt-get update && apt-get install -y chromium`.
 * Writes a screenshot to `tests/output/line_charts.png`.
 */
import assert from "node:assert/strict";
import type { Locator } from "playwright-core";
import {
  CURVE_COLOURS,
  type CurveSeries,
  lineChartSection,
} from "../../lib/report/line_chart.ts";
import {
  assertChromiumInstalled,
  boxesApart,
  mermaidBlocks,
  type RenderedCharts,
  renderMermaidBlocks,
} from "./_chromium.ts";

const HOSTILE_NAME = "a|b<img src=x onerror=alert(1)>";
const WIDTH = 900;
const SCREENSHOT = new URL("../output/line_charts.png", import.meta.url);
/** A line of an `xychart-beta`: the path in a line series' group (`line-plot-0`, one per `line`). */
const LINE_SELECTOR = 'g.plot > g[class^="line-plot-"] > path';
/** The tick labels of the x-axis (steps, at the bottom) and the y-axis (values, on the left). */
const X_LABEL_SELECTOR = "g.bottom-axis > g.label > text";
const Y_LABEL_SELECTOR = "g.left-axis > g.label > text";
/** Every text around the plot: the title, the axes' labels and titles. */
const AXIS_TEXT_SELECTOR =
  "g.chart-title text, g.bottom-axis text, g.left-axis text";

/** A metric's history: `value(step)` at `count` steps from `from`, `every` apart. */
function history(
  from: number,
  count: number,
  every: number,
  value: (step: number) => number,
): CurveSeries["points"] {
  return Array.from({ length: count }, (_, index) => {
    const step = from + index * every;
    return { step, value: value(step) };
  });
}

/** A loss that falls from about `start` towards `floor`, with a little wobble. */
function loss(start: number, floor: number, pace: number) {
  return (step: number) =>
    floor + (start - floor) / (1 + step / pace) + 0.01 * Math.sin(step / 97);
}

/** A section to render: its Markdown, how many lines it must draw, and in which theme. */
interface Section {
  name: string;
  lines: string[];
  runs: number;
  /** Rendered in Mermaid's dark theme, as GitHub shows charts in dark mode. */
  dark?: boolean;
}

function sections(): Section[] {
  const three: CurveSeries[] = [
    {
      label: "dandy-river-1",
      role: "baseline",
      points: history(0, 201, 50, loss(2.3, 0.42, 900)),
    },
    {
      label: "dashing-leaf-4",
      role: "candidate",
      points: history(0, 201, 50, loss(2.3, 0.35, 700)),
    },
    {
      label: HOSTILE_NAME,
      role: "candidate",
      points: [
        ...history(0, 101, 100, loss(2.4, 0.38, 1200)),
        { step: 5050, value: NaN },
      ],
    },
  ];
  const forty: CurveSeries[] = Array.from({ length: 40 }, (_, index) => ({
    label: index % 10 === 3
      ? `production-model-v${index}-with-a-long-descriptive-name`
      : `sweep-lr-${index}-batch-512`,
    role: index % 10 === 3 ? "production" : "candidate",
    points: history(
      0,
      61,
      250,
      (step) => 0.5 + 0.4 * (1 - Math.exp(-step / (1500 + 100 * index))),
    ),
  }));
  const farApart: CurveSeries[] = [
    {
      label: "gentle-fire-8",
      role: "baseline",
      points: history(0, 101, 1000, loss(1.2, 0.2, 20_000)),
    },
    {
      label: "glad-sun-2",
      role: "candidate",
      points: history(0, 26, 100, loss(1.2, 0.2, 1500)),
    },
  ];
  const disjoint: CurveSeries[] = [
    {
      label: "epochs-run",
      role: "baseline",
      points: history(0, 11, 5, (step) => 0.6 + step / 200),
    },
    {
      label: "steps-run",
      role: "candidate",
      points: history(1000, 20, 1000, (step) => 0.7 + step / 100_000),
    },
  ];
  return [
    {
      name: "3 runs",
      lines: lineChartSection("val_loss", three),
      runs: 3,
    },
    {
      name: "40 runs",
      lines: lineChartSection("eval/accuracy", forty),
      runs: 6,
    },
    {
      name: "far-apart step ranges",
      lines: lineChartSection("train/loss", farApart),
      runs: 2,
    },
    {
      name: "a run with no shared step left out",
      lines: lineChartSection("acc", disjoint),
      runs: 1,
    },
    {
      name: "8 runs, dark theme",
      lines: lineChartSection("eval/accuracy", forty, { maxSeries: 8 }),
      runs: 8,
      dark: true,
    },
  ];
}

/** A chart's block as the test reads it. */
interface Block {
  text: string;
  palette: string[];
  xAxis: { from: number; to: number };
  yAxis: { from: number; to: number };
  lines: number[][];
  /** The key's squares, in order. */
  squares: string[];
}

function parseBlock({ lines, dark }: Section): Block {
  const markdown = lines.join("\n");
  const [block] = mermaidBlocks(markdown);
  assert.ok(block !== undefined, `no Mermaid block in:\n${markdown}`);
  const text = dark
    ? block.replace(/^%%\{init: \{/, '%%{init: {"theme": "dark", ')
    : block;
  const palette = text.match(/"plotColorPalette": "([^"]*)"/);
  assert.ok(palette, text);
  const axis = (name: string) => {
    const found = text.match(
      new RegExp(`^  ${name} "[^"]*" (\\S+) --> (\\S+)$`, "m"),
    );
    assert.ok(found, `no ${name} in:\n${text}`);
    return { from: Number(found[1]), to: Number(found[2]) };
  };
  const keyLine = lines.at(-1)!;
  return {
    text,
    palette: palette[1].split(", "),
    xAxis: axis("x-axis"),
    yAxis: axis("y-axis"),
    lines: [...text.matchAll(/^ {2}line \[(.*)\]$/gm)].map((match) =>
      match[1].split(", ").map(Number)
    ),
    squares: keyLine.split(" · ").map((entry) => entry.split(" ")[0]),
  };
}

/**
 * Markdown text as GitHub shows it, roughly: italics' underscores, escaping
 * backslashes and entities undone. For the screenshot only, where it is set
 * as text.
 */
function shownText(markdown: string): string {
  return markdown.replace(/^_(.*)_$/, "$1").replace(/\\(.)/g, "$1")
    .replace(/&lt;/g, "<").replace(/&gt;/g, ">").replace(/&quot;/g, '"')
    .replace(/&#8203;/g, "\u200b").replace(/&amp;/g, "&");
}

/** The vertices of a line's path (`M x,y L x,y ...`), in SVG units. */
function vertices(path: string): { x: number; y: number }[] {
  return [...path.matchAll(/[ML]\s*(-?[\d.e+-]+)[ ,](-?[\d.e+-]+)/g)].map((
    [, x, y],
  ) => ({ x: Number(x), y: Number(y) }));
}

/**
 * An axis' scale as Mermaid drew it: each tick label is translated to its
 * value's position; the first and last labels give the linear map.
 */
async function axisScale(
  labels: Locator,
  coordinate: "x" | "y",
): Promise<(value: number) => number> {
  const ticks = await Promise.all(
    (await labels.all()).map(async (label) => {
      const transform = await label.getAttribute("transform") ?? "";
      const found = transform.match(
        /translate\((-?[\d.e+-]+),\s*(-?[\d.e+-]+)\)/,
      );
      assert.ok(found, `tick label without a position: ${transform}`);
      return {
        value: Number(await label.textContent()),
        position: Number(coordinate === "x" ? found[1] : found[2]),
      };
    }),
  );
  assert.ok(ticks.length >= 2, "at least 2 tick labels");
  const first = ticks[0];
  const last = ticks.at(-1)!;
  return (value) =>
    first.position +
    (value - first.value) * (last.position - first.position) /
      (last.value - first.value);
}

Deno.test("training curves render as line charts in Chromium", async (t) => {
  await assertChromiumInstalled();
  const charts = sections();
  const blocks = charts.map(parseBlock);

  await t.step("each section has one chart with a line per shown run", () => {
    for (const [index, { name, runs }] of charts.entries()) {
      assert.equal(blocks[index].lines.length, runs, name);
      assert.equal(blocks[index].squares.length, runs, name);
    }
    assert.match(
      charts[1].lines.join("\n"),
      /^_eval\/accuracy curves: 6 of 40 runs shown, /m,
    );
  });

  const unexpectedRequests = await renderMermaidBlocks(
    blocks.map((block) => block.text),
    {
      width: WIDTH,
      screenshot: SCREENSHOT,
      captions: charts.map(({ lines }) => ({
        above: shownText(lines.find((line) => line.startsWith("_")) ?? ""),
        below: shownText(lines.at(-1)!),
      })),
    },
    (rendered) => checkCharts(t, rendered, charts, blocks),
  );
  assert.deepEqual(unexpectedRequests, [], "requests the page should not make");
});

async function checkCharts(
  t: Deno.TestContext,
  { page, results, pageErrors, dialogs }: RenderedCharts,
  charts: readonly { name: string }[],
  blocks: readonly Block[],
) {
  await t.step("Mermaid rendered every chart without an error", () => {
    assert.deepEqual(pageErrors, []);
    assert.deepEqual(results, blocks.map(() => ({ error: null })));
  });

  for (const [index, block] of blocks.entries()) {
    await t.step(`chart ${index} (${charts[index].name})`, async (t) => {
      const svg = page.locator(`svg#chart-${index}`);
      assert.equal(await svg.count(), 1, "no <svg> for the chart");
      const width = (await svg.boundingBox())?.width ?? Infinity;
      assert.ok(
        width <= WIDTH,
        `the chart fits the ${WIDTH} px column: ${width}`,
      );
      const paths = await svg.locator(LINE_SELECTOR).all();

      await t.step("one line per series, in the key's colours", async () => {
        assert.equal(paths.length, block.lines.length);
        const strokes = await Promise.all(
          paths.map((path) => path.getAttribute("stroke")),
        );
        assert.deepEqual(strokes, block.palette, "the palette, in order");
        assert.deepEqual(
          strokes,
          block.squares.map((square) => CURVE_COLOURS[square]),
          "the colours the key's squares name",
        );
      });

      await t.step(
        "each line goes through its values at the grid's steps",
        async () => {
          const x = await axisScale(svg.locator(X_LABEL_SELECTOR), "x");
          const y = await axisScale(svg.locator(Y_LABEL_SELECTOR), "y");
          const { from, to } = block.xAxis;
          for (const [line, path] of paths.entries()) {
            const values = block.lines[line];
            const points = vertices(await path.getAttribute("d") ?? "");
            assert.equal(points.length, values.length, `line ${line}'s points`);
            for (const [k, point] of points.entries()) {
              const step = from + k * (to - from) / (values.length - 1);
              assert.ok(
                Math.abs(point.x - x(step)) < 0.5 &&
                  Math.abs(point.y - y(values[k])) < 0.5,
                `line ${line}, point ${k}: (${point.x}, ${point.y}), expected step ${step} at ${
                  x(step)
                } and ${values[k]} at ${y(values[k])}`,
              );
            }
          }
        },
      );

      await t.step("no two labels around the plot overlap", async () => {
        const texts = await svg.locator(AXIS_TEXT_SELECTOR).all();
        const labels = await Promise.all(
          texts.map((text) => text.textContent()),
        );
        const boxes = await Promise.all(
          texts.map((text) => text.boundingBox()),
        );
        for (const [i, a] of boxes.entries()) {
          assert.ok(a !== null && a.width > 0, `label ${labels[i]} is drawn`);
          for (const [j, b] of boxes.entries()) {
            if (j <= i) continue;
            assert.ok(
              boxesApart(a, b!),
              `labels ${labels[i]} and ${labels[j]} overlap`,
            );
          }
        }
      });
    });
  }

  await t.step("no outside text became HTML on the page", async () => {
    assert.equal(await page.locator("img").count(), 0);
    assert.deepEqual(dialogs, []);
  });
}
