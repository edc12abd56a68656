/**
 * `deno task demo`: starts the fake W&B server with the built-in sample
 * project (modelled on the original action's example table, grown with
 * training curves, datasets and a model registry) and runs the CLI against
 * it, as a workflow would for commit 86edd03 with baselines, a production
 * model and gates. Writes `./wandb_report.csv`, `./wandb_report.md` and
 * `./wandb_report.json` and prints the outputs. No W&B account needed.
 *
 * @module
 */
import { main } from "../cli.ts";
import { serveDemo } from "../testing/fake_wandb/serve.ts";
import { DEMO_API_KEY, DEMO_SHA } from "../testing/fake_wandb/sample_data.ts";

const fake = serveDemo();
const output = "./wandb_report.csv";
const report = "./wandb_report.md";
const env: Record<string, string> = {
  INPUT_WANDB_API_KEY: DEMO_API_KEY,
  INPUT_PROJECT_NAME: "github/predict-issue-labels",
  INPUT_FILTER_GITHUB_SHA: DEMO_SHA,
  INPUT_BASELINE_TAGS: "['baseline', 'reference']",
  INPUT_DISPLAY_METRICS: "['acc', 'loss', 'val_acc', 'val_loss', 'eval.f1']",
  INPUT_DISPLAY_CONFIG_VARS: "['learning_rate', 'num_layers']",
  INPUT_WANDB_BASE_URL: fake.url,
  INPUT_OUTPUT_PATH: output,
  INPUT_REPORT_MARKDOWN: report,
  INPUT_REPORT_JSON: "./wandb_report.json",
  INPUT_THRESHOLDS: "val_acc>=0.6",
  INPUT_FAIL_ON_REGRESSION: "val_loss",
  INPUT_REGRESSION_TOLERANCE: "5%",
  // The reviewer's questions: did it converge, did it train on the right
  // data, is it better than production, is the difference more than noise?
  INPUT_HISTORY_METRICS: "['loss', 'val_loss']",
  INPUT_CONVERGENCE: "['val_loss']",
  INPUT_DATA_ARTIFACT_TYPES: "['dataset']",
  INPUT_REQUIRE_SAME_DATA: "true",
  INPUT_EXPECTED_DATA: "['issues-train:latest']",
  INPUT_BASELINE_ARTIFACT:
    "github-org/wandb-registry-model/issue-labeler:production",
  INPUT_SIGNIFICANCE: "0.05",
};
console.log(`Fake W&B serving the demo project at ${fake.url}\n`);
// Said before the run's own lines (on stderr, where the gate errors go), so
// that a newcomer reads it before the errors.
console.error(
  `The demo sets gates that fail on purpose, to show how failures look (THRESHOLDS ${env.INPUT_THRESHOLDS}, FAIL_ON_REGRESSION ${env.INPUT_FAIL_ON_REGRESSION} within ${env.INPUT_REGRESSION_TOLERANCE} at SIGNIFICANCE ${env.INPUT_SIGNIFICANCE}, CONVERGENCE ${env.INPUT_CONVERGENCE}, REQUIRE_SAME_DATA, EXPECTED_DATA ${env.INPUT_EXPECTED_DATA}): the "Gate:" errors below are expected, and with FAIL_ON_GATE off the demo still exits 0.`,
);
let code = 1;
try {
  code = await main([], {
    getEnv: (name) => env[name],
    stdout: (line) => console.log(line),
    stderr: (line) => console.error(line),
  });
} finally {
  await fake.close();
}
if (code === 0) {
  console.log(`\n${output}:\n${await Deno.readTextFile(output)}`);
  console.log(`${report}:\n${await Deno.readTextFile(report)}`);
}
Deno.exit(code);
