/**
 * GitHub's limits in GitHub's units, through the whole job: the job summary
 * is measured in UTF-8 bytes, as the runner measures the file, and one very
 * long W&B value cannot push the other rows out of the report.
 */
import assert from "node:assert/strict";
import { parse } from "csv-parse/sync";
import { parseInputs } from "../lib/action/inputs.ts";
import { runJob } from "../lib/action/job.ts";
import { captureLog, tempFolder } from "./_helpers.ts";
import {
  DEMO_API_KEY,
  generateRuns,
} from "../testing/fake_wandb/sample_data.ts";
import { type FakeRun, startFakeWandb } from "../testing/fake_wandb/server.ts";

const SHA = "c".repeat(40);
const SUMMARY_BYTES = 1_048_576;

async function runWithSummary(runs: FakeRun[], summaryBefore: string) {
  const fake = startFakeWandb({
    projects: [{ entity: "acme", name: "limits", runs }],
    apiKeys: [DEMO_API_KEY],
  });
  const folder = await tempFolder();
  const summaryPath = `${folder.path}/step_summary.md`;
  await Deno.writeTextFile(summaryPath, summaryBefore);
  try {
    const { inputs } = parseInputs({
      WANDB_API_KEY: DEMO_API_KEY,
      WANDB_BASE_URL: fake.url,
      PROJECT_NAME: "acme/limits",
      FILTER_GITHUB_SHA: SHA,
      DISPLAY_METRICS: "acc, loss",
      DISPLAY_CONFIG_VARS: "learning_rate",
      JOB_SUMMARY: "true",
      REPORT_MARKDOWN: `${folder.path}/wandb_report.md`,
    }, { githubWorkspace: folder.path, jobSummaryAvailable: true });
    const { log, lines } = captureLog({ githubActions: true });
    await runJob(inputs, {
      log,
      stepSummaryPath: summaryPath,
      printOutputs: () => {},
    });
    return {
      summary: await Deno.readFile(summaryPath),
      csv: parse(
        await Deno.readTextFile(`${folder.path}/wandb_report.csv`),
      ) as string[][],
      markdown: await Deno.readTextFile(`${folder.path}/wandb_report.md`),
      lines,
    };
  } finally {
    await fake.close();
    await folder.remove();
  }
}

Deno.test("the job summary stays within 1 MiB of UTF-8 bytes, whatever its characters", async () => {
  // Names of CJK characters: one character, three bytes each. 4,000 runs make
  // a report of about 1.1 million characters but 2 million bytes.
  const runs = generateRuns(4_000, { sha: SHA }).map((run, index) => ({
    ...run,
    displayName: `学習実行の結果${"検証".repeat(40)}-${index}`,
  }));
  const before = "## An earlier part of this step's summary\n\n".repeat(1000);
  const { summary, lines } = await runWithSummary(runs, before);
  assert.ok(summary.length <= SUMMARY_BYTES, `${summary.length} bytes`);
  assert.ok(
    summary.length > SUMMARY_BYTES - 2_000,
    `only ${summary.length} bytes used`,
  );
  const text = new TextDecoder().decode(summary);
  assert.ok(text.startsWith(before), "what was there is kept");
  assert.match(
    text,
    /_\d+ of 4000 runs left out to stay under GitHub's size limit/,
  );
  assert.deepEqual(lines.filter((line) => line.startsWith("::warning")), []);
});

Deno.test("a 100 KB run name is cut in the report, whole in the CSV, and every row stays", async () => {
  const runs = generateRuns(30, { sha: SHA });
  const longName = `${"very-long-name-".repeat(6_667)}end`;
  runs[4].displayName = longName;
  const { markdown, csv } = await runWithSummary(runs, "");
  const rows = markdown.split("\n").filter((line) => line.startsWith("| ["));
  assert.equal(rows.length, 30, "every run has its row");
  assert.doesNotMatch(markdown, /runs left out to stay/);
  assert.match(rows[4], /^\| \[(very-long-name-){7}very-long-name…\]\(/);
  const csvRow = csv.find((row) => row[3] === runs[4].name);
  assert.equal(csvRow?.[1], longName, "the CSV keeps the whole name");
});
