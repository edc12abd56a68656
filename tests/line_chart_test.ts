import assert from "node:assert/strict";
import {
  CURVE_COLOURS,
  type CurveSeries,
  lineChartSection,
  MAX_CURVES,
} from "../lib/report/line_chart.ts";

/** One chart's parts, as a reader (or Mermaid) finds them in the Markdown. */
interface Chart {
  note?: string;
  palette: string[];
  title: string;
  xAxis: { title: string; from: number; to: number };
  yAxis: { title: string; from: number; to: number };
  lines: number[][];
  /** Every number written inside the Mermaid block, as written. */
  numbers: string[];
  key: { square: string; role: string; label: string }[];
}

/** Reads a section back: fails when its shape is not note?, block, key. */
function parseSection(section: string[]): Chart {
  const text = section.join("\n");
  const match = text.match(
    /^\n(?:(_.*_)\n\n)?```mermaid\n([\s\S]*?)\n```\n\n(.*)$/,
  );
  assert.ok(match, `not a chart section:\n${text}`);
  const [, note, block, keyLine] = match;
  const blockLines = block.split("\n");
  const palette = blockLines[0].match(
    /^%%\{init: \{"themeVariables": \{"xyChart": \{"plotColorPalette": "([^"]*)"\}\}, "xyChart": \{"width": 640, "height": 360\}\}\}%%$/,
  );
  assert.ok(palette, `no palette in ${blockLines[0]}`);
  assert.equal(blockLines[1], "xychart-beta");
  const title = blockLines[2].match(/^ {2}title "([^"]*)"$/);
  assert.ok(title, blockLines[2]);
  const axis = (line: string, name: string) => {
    const found = line.match(
      new RegExp(`^  ${name} "([^"]*)" (\\S+) --> (\\S+)$`),
    );
    assert.ok(found, line);
    return { title: found[1], from: Number(found[2]), to: Number(found[3]) };
  };
  const lines = blockLines.slice(5).map((line) => {
    const found = line.match(/^ {2}line \[(.*)\]$/);
    assert.ok(found, line);
    return found[1].split(", ").map(Number);
  });
  return {
    note,
    palette: palette[1].split(", "),
    title: title[1],
    xAxis: axis(blockLines[3], "x-axis"),
    yAxis: axis(blockLines[4], "y-axis"),
    lines,
    numbers: [
      ...block.slice(blockLines[0].length).matchAll(
        /(?<![\w.])-?[\d.][\w.+-]*/g,
      ),
    ].map(([number]) => number),
    key: keyLine.split(" · ").map((entry) => {
      const found = entry.match(
        /^(\S+) (candidate|baseline|production) (.*)$/u,
      );
      assert.ok(found, `not a key entry: ${entry}`);
      return { square: found[1], role: found[2], label: found[3] };
    }),
  };
}

/** Points at the given steps of a function of the step. */
function pointsOf(steps: readonly number[], value: (step: number) => number) {
  return steps.map((step) => ({ step, value: value(step) }));
}

/** `count` steps from `from`, `every` apart. */
function stepsFrom(from: number, count: number, every: number): number[] {
  return Array.from({ length: count }, (_, index) => from + index * every);
}

/** The steps Mermaid places a line's values at: evenly from the x-axis' minimum to its maximum. */
function mermaidSteps(chart: Chart, count: number): number[] {
  const { from, to } = chart.xAxis;
  return Array.from(
    { length: count },
    (_, index) => from + index * (to - from) / (count - 1),
  );
}

/** Asserts a line's values are `expected` at Mermaid's steps, to a thousandth of the y-axis. */
function assertLine(
  chart: Chart,
  line: readonly number[],
  expected: (step: number) => number,
) {
  const tolerance = (chart.yAxis.to - chart.yAxis.from) / 1000;
  for (const [index, step] of mermaidSteps(chart, line.length).entries()) {
    assert.ok(
      Math.abs(line[index] - expected(step)) <= tolerance,
      `at step ${step}: ${line[index]}, expected ${expected(step)}`,
    );
  }
}

function candidate(
  label: string,
  points: CurveSeries["points"],
): CurveSeries {
  return { label, role: "candidate", points };
}

function baseline(
  label: string,
  points: CurveSeries["points"],
): CurveSeries {
  return { label, role: "baseline", points };
}

/** A tent: 0 at step 0, 10 at step 1000, 0 at step 2000. */
const TENT = [{ step: 0, value: 0 }, { step: 1000, value: 10 }, {
  step: 2000,
  value: 0,
}];
const tent = (step: number) => step <= 1000 ? step / 100 : (2000 - step) / 100;

Deno.test("lineChartSection resamples curves onto one grid of steps", async (t) => {
  await t.step(
    "25 evenly spaced steps from the first step to the last, by linear interpolation",
    () => {
      const chart = parseSection(
        lineChartSection("loss", [candidate("dashing-leaf-4", TENT)]),
      );
      assert.deepEqual(chart.xAxis, { title: "step", from: 0, to: 2000 });
      assert.equal(chart.lines.length, 1);
      assert.equal(chart.lines[0].length, 25);
      assertLine(chart, chart.lines[0], tent);
    },
  );

  await t.step("dense curves get 25 points too", () => {
    const steps = stepsFrom(0, 10_001, 1);
    const chart = parseSection(
      lineChartSection("loss", [
        candidate("a", pointsOf(steps, (step) => Math.sin(step / 2000))),
      ]),
    );
    assert.equal(chart.lines[0].length, 25);
    assertLine(chart, chart.lines[0], (step) => Math.sin(step / 2000));
  });

  await t.step("every integer step when there are at most 25", () => {
    const chart = parseSection(
      lineChartSection("acc", [
        candidate("a", pointsOf(stepsFrom(0, 11, 1), (step) => step * step)),
      ]),
    );
    assert.deepEqual(chart.xAxis, { title: "step", from: 0, to: 10 });
    assert.deepEqual(chart.lines[0], [0, 1, 4, 9, 16, 25, 36, 49, 64, 81, 100]);
  });

  await t.step(
    "points in any order; of two at one step, the last given",
    () => {
      const chart = parseSection(
        lineChartSection("acc", [
          candidate("a", [
            { step: 4, value: 99 },
            { step: 10, value: 3 },
            { step: 0, value: 1 },
            { step: 4, value: 1.8 },
          ]),
        ]),
      );
      assert.deepEqual(
        chart.lines[0],
        [1, 1.2, 1.4, 1.6, 1.8, 2, 2.2, 2.4, 2.6, 2.8, 3],
      );
    },
  );

  await t.step("steps that are not integers", () => {
    const chart = parseSection(
      lineChartSection("acc", [
        candidate("a", pointsOf(stepsFrom(0.5, 20, 0.25), (s) => 2 * s)),
      ]),
    );
    assert.deepEqual(chart.xAxis, { title: "step", from: 0.5, to: 5.25 });
    assert.equal(chart.lines[0].length, 25);
    assertLine(chart, chart.lines[0], (step) => 2 * step);
  });
});

Deno.test("lineChartSection draws only the steps every curve covers", async (t) => {
  await t.step(
    "a candidate that stopped early cuts the axis short, and the note says so",
    () => {
      const section = lineChartSection("val_loss", [
        baseline(
          "dandy-river-1",
          pointsOf(stepsFrom(0, 101, 100), (s) => s / 1e4),
        ),
        candidate("dashing-leaf-4", pointsOf(stepsFrom(0, 26, 100), tent)),
      ]);
      const chart = parseSection(section);
      assert.deepEqual(chart.xAxis, { title: "step", from: 0, to: 2500 });
      assertLine(chart, chart.lines[0], (step) => step / 1e4);
      assertLine(chart, chart.lines[1], tent);
      assert.ok(
        chart.yAxis.to < 10.6,
        "the baseline's values past step 2500 are not on the axis",
      );
      assert.equal(
        chart.note,
        "_val\\_loss curves: steps 0–2500 only, which every curve covers; logged beyond them: dandy-river-1 (steps 0–10000)._",
      );
    },
  );

  await t.step("a curve that starts late moves the axis' start", () => {
    const chart = parseSection(
      lineChartSection("val_loss", [
        baseline("b", pointsOf(stepsFrom(0, 11, 1000), (s) => s)),
        candidate("c", pointsOf(stepsFrom(500, 6, 500), (s) => -s)),
      ]),
    );
    assert.deepEqual(chart.xAxis, { title: "step", from: 500, to: 3000 });
    assertLine(chart, chart.lines[0], (step) => step);
    assertLine(chart, chart.lines[1], (step) => -step);
    assert.match(chart.note ?? "", /steps 500–3000 only/);
    assert.match(chart.note ?? "", /b \(steps 0–10000\)/);
    assert.doesNotMatch(chart.note ?? "", /c \(steps/);
  });

  await t.step("no note when every curve covers the same steps", () => {
    const chart = parseSection(
      lineChartSection("acc", [
        baseline("b", TENT),
        candidate("c", pointsOf([0, 2000], () => 1)),
      ]),
    );
    assert.equal(chart.note, undefined);
  });

  await t.step(
    "a curve that shares no step with the first candidate's is left out, and named",
    () => {
      const chart = parseSection(
        lineChartSection("acc", [
          baseline("epochs", pointsOf([0, 50], (s) => s / 100)),
          baseline("long", pointsOf([0, 30_000], (s) => s / 30_000)),
          candidate("steps", pointsOf([1000, 20_000], (s) => s / 20_000)),
          candidate("later", pointsOf([25_000, 26_000], () => 1)),
        ]),
      );
      assert.deepEqual(chart.key.map(({ label }) => label), ["long", "steps"]);
      assert.deepEqual(chart.xAxis, { title: "step", from: 1000, to: 20_000 });
      assertLine(chart, chart.lines[0], (step) => step / 30_000);
      assertLine(chart, chart.lines[1], (step) => step / 20_000);
      assert.equal(
        chart.note,
        "_acc curves: 2 of 4 runs shown; not drawn, sharing no steps with the others: epochs (steps 0–50), later (steps 25000–26000); steps 1000–20000 only, which every curve covers; logged beyond them: long (steps 0–30000)._",
      );
    },
  );

  await t.step(
    "without candidates, the first baseline's steps come first",
    () => {
      const chart = parseSection(
        lineChartSection("acc", [
          baseline("first", pointsOf([100, 200], (s) => s)),
          baseline("second", pointsOf([300, 400], (s) => s)),
        ]),
      );
      assert.deepEqual(chart.key.map(({ label }) => label), ["first"]);
      assert.deepEqual(chart.xAxis, { title: "step", from: 100, to: 200 });
    },
  );
});

Deno.test("lineChartSection leaves out what it cannot draw, and says so", async (t) => {
  await t.step(
    "non-finite values and steps are left out of the line and counted",
    () => {
      const clean = pointsOf(stepsFrom(0, 11, 100), (s) => s / 10);
      const chart = parseSection(
        lineChartSection("loss", [
          candidate("dashing-leaf-4", [
            ...clean.slice(0, 5),
            { step: 450, value: NaN },
            { step: 520, value: Infinity },
            { step: 530, value: -Infinity },
            { step: NaN, value: 3 },
            // Finite, but an axis around it would overflow: counted as non-finite.
            { step: 560, value: -Number.MAX_VALUE },
            ...clean.slice(5),
          ]),
          candidate("glad-sun-2", clean),
        ]),
      );
      assert.deepEqual(chart.lines[0], chart.lines[1]);
      assertLine(chart, chart.lines[0], (step) => step / 10);
      assert.equal(
        chart.note,
        "_loss curves: 5 non-finite values left out of dashing-leaf-4._",
      );
    },
  );

  await t.step(
    "a curve with fewer than 2 finite points is not drawn, and named",
    () => {
      const chart = parseSection(
        lineChartSection("loss", [
          candidate("one-point", [{ step: 0, value: 1 }, {
            step: 1,
            value: NaN,
          }]),
          candidate("drawn", TENT),
          baseline("one-step", [{ step: 5, value: 1 }, { step: 5, value: 2 }]),
          candidate("empty", []),
        ]),
      );
      assert.equal(chart.lines.length, 1);
      assert.deepEqual(chart.key, [
        { square: "🟦", role: "candidate", label: "drawn" },
      ]);
      assert.equal(
        chart.note,
        "_loss curves: 1 of 4 runs shown; not drawn, with fewer than 2 finite points: one-point, one-step, empty._",
      );
    },
  );

  await t.step("nothing to draw: no lines at all", () => {
    assert.deepEqual(lineChartSection("loss", []), []);
    assert.deepEqual(
      lineChartSection("loss", [
        candidate("a", [{ step: 0, value: NaN }, { step: 1, value: NaN }]),
        baseline("b", [{ step: 0, value: 1 }]),
      ]),
      [],
    );
  });
});

/** 40 runs: 3 baselines, a production run, and 36 candidates, mixed. */
function fortyRuns(): CurveSeries[] {
  return Array.from({ length: 40 }, (_, index) => ({
    label: `run-${index}`,
    role: index === 5 || index === 20 || index === 30
      ? "baseline"
      : index === 12
      ? "production"
      : "candidate",
    points: pointsOf([0, 100], (step) => index + step / 100),
  }));
}

Deno.test("lineChartSection keeps charts legible at any number of runs", async (t) => {
  await t.step(
    `at most ${MAX_CURVES} curves: 2 baseline or production runs, then the first candidates`,
    () => {
      const chart = parseSection(lineChartSection("acc", fortyRuns()));
      assert.equal(MAX_CURVES, 6);
      assert.equal(chart.lines.length, 6);
      assert.deepEqual(
        chart.key.map(({ role, label }) => `${role} ${label}`),
        [
          "baseline run-5",
          "production run-12",
          "candidate run-0",
          "candidate run-1",
          "candidate run-2",
          "candidate run-3",
        ],
      );
      // Each line is its run's: run-N's curve starts at N.
      assert.deepEqual(chart.lines.map((line) => line[0]), [5, 12, 0, 1, 2, 3]);
      assert.equal(
        chart.note,
        "_acc curves: 6 of 40 runs shown, to keep the chart legible: baseline and production runs first (at most 2), then candidates in the order given._",
      );
    },
  );

  await t.step("maxSeries sets the most curves", () => {
    const three = parseSection(
      lineChartSection("acc", fortyRuns(), { maxSeries: 3 }),
    );
    assert.deepEqual(three.key.map(({ label }) => label), [
      "run-5",
      "run-12",
      "run-0",
    ]);
    assert.match(
      three.note ?? "",
      /^_acc curves: 3 of 40 runs shown, to keep the chart legible/,
    );
    const eight = parseSection(
      lineChartSection("acc", fortyRuns(), { maxSeries: 8 }),
    );
    assert.equal(eight.lines.length, 8);
  });

  await t.step(
    "a candidate keeps its place however few curves are allowed",
    () => {
      const one = parseSection(
        lineChartSection("acc", fortyRuns(), { maxSeries: 1 }),
      );
      assert.deepEqual(one.key, [
        { square: "🟦", role: "candidate", label: "run-0" },
      ]);
      const references = fortyRuns().filter(({ role }) => role !== "candidate");
      assert.deepEqual(
        parseSection(lineChartSection("acc", references, { maxSeries: 1 })).key
          .map(({ label }) => label),
        ["run-5"],
      );
    },
  );

  await t.step("at most 6 candidates, one per bright colour", () => {
    const candidates = fortyRuns().filter(({ role }) => role === "candidate");
    const chart = parseSection(
      lineChartSection("acc", candidates, { maxSeries: 8 }),
    );
    assert.equal(chart.lines.length, 6);
    assert.match(chart.note ?? "", /6 of 36 runs shown/);
  });

  await t.step("maxSeries outside 1 to 8 is refused", () => {
    for (const maxSeries of [0, 9, 2.5, NaN]) {
      assert.throws(
        () => lineChartSection("acc", fortyRuns(), { maxSeries }),
        RangeError,
        `maxSeries ${maxSeries}`,
      );
    }
    assert.throws(
      () => lineChartSection("acc", [], { maxSeries: 0 }),
      /^RangeError: Cannot chart "acc": maxSeries is 0, expected an integer from 1 to 8$/,
    );
  });
});

Deno.test("lineChartSection's key names each line's colour and role", async (t) => {
  const chart = parseSection(
    lineChartSection("acc", [
      candidate("dashing-leaf-4", TENT),
      { label: "gentle-fire-8", role: "production", points: TENT },
      baseline("dandy-river-1", TENT),
      candidate("glad-sun-2", TENT),
    ], { maxSeries: 8 }),
  );

  await t.step(
    "baselines and production first, in dark squares (🟫 production, as in the bar charts); candidates in bright ones",
    () => {
      assert.deepEqual(chart.key, [
        { square: "🟫", role: "production", label: "gentle-fire-8" },
        { square: "⬛", role: "baseline", label: "dandy-river-1" },
        { square: "🟦", role: "candidate", label: "dashing-leaf-4" },
        { square: "🟧", role: "candidate", label: "glad-sun-2" },
      ]);
    },
  );

  await t.step("the palette is the key's colours, line by line", () => {
    assert.equal(chart.palette.length, chart.lines.length);
    assert.deepEqual(
      chart.palette,
      chart.key.map(({ square }) => CURVE_COLOURS[square]),
    );
  });

  await t.step("8 squares, 8 different colours", () => {
    const squares = Object.keys(CURVE_COLOURS);
    assert.deepEqual(squares, ["⬛", "🟫", "🟦", "🟧", "🟩", "🟥", "🟪", "🟨"]);
    const colours = Object.values(CURVE_COLOURS);
    assert.equal(new Set(colours.map((c) => c.toLowerCase())).size, 8);
    for (const colour of colours) assert.match(colour, /^#[0-9A-F]{6}$/);
  });

  await t.step("every curve of a full chart has its own square", () => {
    const full = parseSection(
      lineChartSection("acc", fortyRuns(), { maxSeries: 8 }),
    );
    assert.deepEqual(
      full.key.map(({ square }) => square),
      ["⬛", "🟫", "🟦", "🟧", "🟩", "🟥", "🟪", "🟨"],
    );
  });
});

Deno.test("lineChartSection shows outside text as text", async (t) => {
  const hostile = "a|b<img src=x onerror=alert(1)>";
  const section = lineChartSection('acc"] --> x[<b>`@team`</b>', [
    baseline(hostile, TENT),
    candidate("@user", TENT),
    candidate("back`tick`s *and* _marks_", TENT),
    candidate("x".repeat(100), TENT),
    candidate("one-point <script>", [{ step: 0, value: 1 }]),
  ]);
  const chart = parseSection(section);

  await t.step("the key escapes HTML, pipes, mentions and Markdown", () => {
    assert.deepEqual(chart.key.map(({ label }) => label), [
      "a\\|b&lt;img src=x onerror=alert\\(1\\)&gt;",
      "@&#8203;user",
      "back\\`tick\\`s \\*and\\* \\_marks\\_",
      `${"x".repeat(39)}…`,
    ]);
  });

  await t.step("the note escapes the metric and the names", () => {
    assert.equal(
      chart.note,
      "_acc&quot;\\] --&gt; x\\[&lt;b&gt;\\`@&#8203;team\\`&lt;/b&gt; curves: 4 of 5 runs shown; not drawn, with fewer than 2 finite points: one-point &lt;script&gt;._",
    );
  });

  await t.step(
    "inside the chart: no quotes, brackets, HTML or backticks",
    () => {
      assert.match(chart.title, /^[\w ./:+-]+$/);
      assert.ok(chart.title.startsWith("acc"), chart.title);
      assert.equal(chart.yAxis.title, chart.title);
      const block =
        section.join("\n").split("```mermaid\n")[1].split("\n```")[0];
      const inside = block.split("\n").slice(1).join("\n")
        .replace(/ -?[\d.]+ --> -?[\d.]+$/gm, "");
      assert.doesNotMatch(inside, /[<>`|@]|\](?!$)/m);
      assert.equal([...inside.matchAll(/"/g)].length, 6, "3 quoted labels");
    },
  );

  await t.step(
    "a metric name with nothing Mermaid can show still gets a title",
    () => {
      const plain = parseSection(
        lineChartSection("<<>>", [candidate("a", TENT)]),
      );
      assert.ok(plain.title.length > 0);
    },
  );
});

Deno.test("lineChartSection writes numbers people and Mermaid can read", async (t) => {
  await t.step("the y-axis spans the values, padded, not from zero", () => {
    const chart = parseSection(
      lineChartSection("acc", [
        candidate("a", pointsOf([0, 100], (s) => 0.9 + s / 1000)),
        baseline("b", pointsOf([0, 100], () => 0.95)),
      ]),
    );
    // The values span 0.9 to 1.0.
    assert.ok(chart.yAxis.from < 0.9 && chart.yAxis.from >= 0.89);
    assert.ok(chart.yAxis.to > 1 && chart.yAxis.to <= 1.01);
  });

  await t.step("a flat curve still gets a y-axis with a range", () => {
    for (const value of [0, 0.5, -3]) {
      const chart = parseSection(
        lineChartSection("acc", [
          candidate("a", pointsOf([0, 9], () => value)),
        ]),
      );
      assert.ok(chart.yAxis.from < value && value < chart.yAxis.to, `${value}`);
    }
  });

  await t.step(
    "plain decimals with a few significant digits, at any scale",
    () => {
      for (const scale of [1e-9, 1 / 3, 1, 7, 1e6, 1e12]) {
        const chart = parseSection(
          lineChartSection("acc", [
            candidate(
              "a",
              pointsOf(stepsFrom(0, 31, 7), (s) => scale * (1 + s / 30)),
            ),
            baseline(
              "b",
              pointsOf(stepsFrom(0, 31, 7), (s) => scale * (3 + Math.cos(s))),
            ),
          ]),
        );
        for (const number of chart.numbers) {
          // Mermaid's xychart reads `[+-]?(\d+(\.\d+)?|\.\d+)`: no exponent.
          assert.match(
            number,
            /^-?\d+(\.\d+)?$/,
            `${number} at scale ${scale}`,
          );
          const digits = number.replace(/^-?0*\.?0*|\./g, "")
            .replace(/0+$/, "");
          assert.ok(digits.length <= 7, `${number} at scale ${scale}`);
        }
        // The baseline's line comes first.
        assertLine(chart, chart.lines[1], (s) => scale * (1 + s / 30));
      }
    },
  );
});

Deno.test("lineChartSection is a pure function of its input", () => {
  const series = [
    candidate("b", [{ step: 10, value: 2 }, { step: 0, value: NaN }, {
      step: 0,
      value: 1,
    }]),
    baseline("a", TENT),
  ];
  const copy = structuredClone(series);
  const first = lineChartSection("acc", series);
  assert.deepEqual(series, copy, "the input is left as it was");
  assert.deepEqual(lineChartSection("acc", series), first);
});
