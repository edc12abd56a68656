/** `deno task demo`: what a newcomer sees first. */
import assert from "node:assert/strict";
import { runCommand, tempFolder } from "./_helpers.ts";
import { ROOT } from "./_action_step.ts";

Deno.test("the demo says that its gate failures are on purpose, before they are printed", async () => {
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
    const gateLines = result.stderr.split("\n").filter((line) =>
      line.startsWith("Error: Gate: ")
    );
    // One failure of each kind the demo shows: a threshold, a curve that
    // did not converge, data other than the production baseline's, data
    // older than the alias points to.
    assert.deepEqual(gateLines.map((line) => line.slice(13)), [
      "happy-frog-3 (15u8cbod): val_acc = 0.5, needs val_acc >= 0.6",
      ...gateLines.slice(1, 2).map((line) => line.slice(13)),
      "happy-frog-3 (15u8cbod): trained on dataset issues-train:v0 (832feeec) but its baseline gentle-fire-8 (j5x2m8cw) used issues-train:v1 (842ff07f): a comparison on different data is not evidence",
      "happy-frog-3 (15u8cbod): used issues-train:v0 (832feeec) but issues-train:latest is issues-train:v1 (842ff07f) now",
    ]);
    assert.match(
      gateLines[1],
      /^Error: Gate: proud-star-9 \(v6q1n4ts\): val_loss did not converge: it is rising again at the end/,
    );
    // The report answers the reviewer's four questions.
    const report = await Deno.readTextFile(`${folder.path}/wandb_report.md`);
    assert.match(
      report,
      /^Production baseline: run `j5x2m8cw`, which logged `model-j5x2m8cw:v0`, the version `github-org\/wandb-registry-model\/issue-labeler:production` points to\.$/m,
    );
    assert.match(
      report,
      /\| \[gentle-fire-8\]\([^)]*\) \| finished \| baseline \(production\) \|/,
    );
    assert.match(
      report,
      /^<details><summary>Training data \(dataset\): 2 sets of inputs<\/summary>$/m,
    );
    assert.match(
      report,
      /^\| issues-train:v0 \\\(832feeec\\\), issues-test:v0 \\\([0-9a-f]{8}\\\) \| happy-frog-3 \|$/m,
    );
    assert.match(
      report,
      /^<details><summary>More than noise\? Welch's t-test of candidates against baselines, level 0\.05<\/summary>$/m,
    );
    assert.match(
      report,
      /^\| val\\_loss \| [0-9.]+ ± [0-9.]+ \(n=3\) \| [0-9.]+ ± [0-9.]+ \(n=3\) \| [-+0-9.]+ \| [0-9.]+ \| ⚪ within noise \|$/m,
    );
    assert.match(
      report,
      /^<details><summary>Training curves: loss, val_loss<\/summary>$/m,
    );
    // The answer first: the verdict line, then a row per metric, before any fold.
    const unfolded = report.slice(0, report.indexOf("<details>"));
    assert.match(
      unfolded,
      /^\*\*❌ 4 gate failures\*\* · best candidates against the best finished baseline: better on 1 of 4 metrics, worse on /m,
    );
    assert.match(unfolded, /^\| val\\_loss\u00a0↓ \| 1\.023 \[proud-star-9\]/m);
    assert.match(unfolded, /\(production, best of 3\)/);
    assert.match(
      unfolded,
      /^\*\*Data\*\* \(dataset\): 8 runs used issues-train:v1/m,
    );
    assert.equal(
      report.match(/^xychart-beta$/gm)?.length,
      2,
      "a line chart each for loss and val_loss",
    );
    const json = JSON.parse(
      await Deno.readTextFile(`${folder.path}/wandb_report.json`),
    );
    assert.equal(json.production.runId, "j5x2m8cw");
    const proud = json.runs.find((run: { runId: string }) =>
      run.runId === "v6q1n4ts"
    );
    // val_loss was logged every other step of 0-49, and at the last.
    assert.equal(proud.history.val_loss.length, 26);
    assert.equal(proud.dataArtifacts.length, 2);
    // Said on stderr, right before the run's own lines, so that it reads
    // before the errors in any terminal or CI log.
    const said = result.stderr.split("\n")[0];
    assert.match(said, /on purpose/);
    assert.match(said, /THRESHOLDS/);
    assert.match(said, /FAIL_ON_REGRESSION/);
    assert.match(said, /CONVERGENCE/);
    assert.match(result.stdout, /BOOL_PASSED=False/);
  } finally {
    await folder.remove();
  }
});
