/** What the README promises a reader: its tables and its workflow example, checked against the code. */
import assert from "node:assert/strict";
import { parse as parseCsv } from "csv-parse/sync";
import { parse as parseYaml } from "yaml";
import { main } from "../cli.ts";
import { action, ROOT } from "./_action_step.ts";
import { runCommand, startDemoWandb, tempFolder } from "./_helpers.ts";
import { DEMO_API_KEY, DEMO_SHA } from "../testing/fake_wandb/sample_data.ts";

const README = await Deno.readTextFile(`${ROOT}/README.md`);

/** The README's text from a heading to the next heading of the same or a higher level. */
function section(heading: string): string {
  const start = README.indexOf(`\n${heading}\n`);
  assert.ok(start >= 0, `no heading ${heading}`);
  const level = heading.match(/^#+/)![0].length;
  const rest = README.slice(start + heading.length + 2);
  const next = rest.search(new RegExp(`^#{1,${level}} `, "m"));
  return next < 0 ? rest : rest.slice(0, next);
}

Deno.test("the README's outputs table lists every output action.yml declares, in order", () => {
  const names = [...section("### Outputs").matchAll(/^\| `([A-Z_]+)` +\|/gm)]
    .map((match) => match[1]);
  assert.deepEqual(names, Object.keys(action.outputs));
});

Deno.test("the README's workflow example prints the demo CSV as a table, quoted cells whole", async () => {
  const block =
    section("## As a GitHub Action").match(/```yaml\n([\s\S]*?)```/)![1];
  const workflow = parseYaml(block) as {
    jobs: Record<string, { steps: { run?: string }[] }>;
  };
  const script = Object.values(workflow.jobs).flatMap((job) => job.steps)
    .find((step) => step.run?.includes("wandb_report.csv"))?.run;
  assert.ok(script, "a step that reads the CSV");

  const fake = startDemoWandb();
  const workspace = await tempFolder();
  try {
    const csvPath = `${workspace.path}/wandb_report.csv`;
    const code = await main([], {
      getEnv: (name) =>
        ({
          INPUT_WANDB_API_KEY: DEMO_API_KEY,
          INPUT_PROJECT_NAME: "github/predict-issue-labels",
          INPUT_FILTER_GITHUB_SHA: DEMO_SHA,
          INPUT_BASELINE_TAGS: "['baseline', 'reference']",
          INPUT_DISPLAY_METRICS: "['acc', 'loss', 'val_acc', 'val_loss']",
          INPUT_DISPLAY_CONFIG_VARS: "['learning_rate', 'num_layers']",
          INPUT_WANDB_BASE_URL: fake.url,
          INPUT_OUTPUT_PATH: csvPath,
        } as Record<string, string>)[name],
      stdout: () => {},
      stderr: () => {},
    });
    assert.equal(code, 0);
    const rows: string[][] = parseCsv(await Deno.readTextFile(csvPath));
    // The demo holds a description with a comma, quotes and a line break.
    assert.ok(rows.flat().some((cell) => /,.*\n/s.test(cell)));

    const result = await runCommand("bash", {
      args: ["-eo", "pipefail", "-c", script],
      env: {
        PATH: Deno.env.get("PATH") ?? "",
        GITHUB_WORKSPACE: workspace.path,
      },
      clearEnv: true,
    });
    assert.equal(result.code, 0, result.stderr);

    // One line per row; each cell whole, its white space folded, in its column.
    const folded = rows.map((row) =>
      row.map((cell) => cell.split(/\s+/).filter((word) => word).join(" "))
    );
    const widths = folded[0].map((_, column) =>
      Math.max(...folded.map((row) => [...row[column]].length))
    );
    const expected = folded.map((row) =>
      row.map((cell, column) => cell.padEnd(widths[column])).join("  ")
        .trimEnd()
    );
    assert.deepEqual(result.stdout.trimEnd().split("\n"), expected);
  } finally {
    await fake.close();
    await workspace.remove();
  }
});
