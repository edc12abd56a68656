/**
 * What the evidence inputs cost: our CLI run on the evidence project
 * ({@link evidenceProject}) for 10, 50 and 120 reported runs, once with no
 * evidence input and once with all of them (`HISTORY_METRICS` of 2 metrics,
 * then of 8, `HISTORY_SAMPLES`, `CONVERGENCE`, `DATA_ARTIFACT_TYPES`,
 * `REQUIRE_SAME_DATA`, `EXPECTED_DATA`, `BASELINE_ARTIFACT` with the org in
 * its path, `SIGNIFICANCE`), and at 50 runs once more with a registry path
 * without its org. Each figure is compared with the run without evidence:
 * requests, response and request bytes, wall time, CPU and peak memory
 * added. The issue's promises on requests are judged here, and
 * `deno task bench` fails when one is broken.
 *
 * @module
 */

import {
  type RecordedRequest,
  startFakeWandb,
} from "../testing/fake_wandb/server.ts";
import {
  type CliInputs,
  measureOurs,
  medianMeasurement,
  type OurMeasurement,
  requestBodyBytes,
} from "./_measure.ts";
import type { TargetVerdict } from "./_results.ts";
import { formatBytes, formatCount, formatMs, markdownTable } from "./_table.ts";
import {
  candidatesFor,
  DATA_TYPES,
  EVIDENCE_ORG_ENTITY,
  EVIDENCE_REGISTRY_COLLECTION,
  EVIDENCE_REGISTRY_PROJECT,
  type EvidenceProject,
  evidenceProject,
  EXPECTED_DATA,
  HISTORY_STEPS,
  LOGGED_METRICS,
  PRODUCTION_ALIAS,
} from "./_evidence_project.ts";
import {
  BASELINE_TAG,
  BENCH_API_KEY,
  BENCH_ENTITY,
  BENCH_PROJECT,
  benchSha,
  DISPLAY_CONFIG_VARS,
  DISPLAY_METRICS,
} from "./realistic_project.ts";

/** Runs in the evidence project. */
const TOTAL_RUNS = 10_000;

/** Reported runs (candidates, 5 tagged baselines, the production run) per measured review. */
const REPORTED_RUN_COUNTS = [10, 50, 120];

/** The reported runs at which a registry path without its org is measured too. */
const WITHOUT_ORG_AT = 50;

/** The issue's promise: this many runs' records travel in one request. */
const PROMISED_RUNS_PER_REQUEST = 50;

/** The issue's promise: at most this many requests added for up to 50 reported runs. */
const PROMISED_REQUESTS = 2;

/** `HISTORY_SAMPLES` of the measured reviews. */
const HISTORY_SAMPLES = 200;

/** The curve `CONVERGENCE` judges: among the history metrics of every variant. */
const CONVERGENCE_METRIC = "val_loss";

/** The seed of the fake's sampling, the same for every run so that the bytes are too. */
const HISTORY_SEED = 11;

/** The operation name of the runs query, the only one made without evidence. */
const RUNS_OPERATION = "Runs";

/** Which evidence inputs a measured review sets. */
export type EvidenceVariant =
  | "none"
  | "2 metrics"
  | "8 metrics"
  | "8 metrics, registry path without its org";

/** The variants, in the order measured and shown. */
const VARIANTS: readonly EvidenceVariant[] = [
  "none",
  "2 metrics",
  "8 metrics",
  "8 metrics, registry path without its org",
];

/** Requests and bytes of one GraphQL operation. */
export interface OperationTraffic {
  /** The operation's name, e.g. `RunRecords`. */
  operation: string;
  /** Requests made. */
  requests: number;
  /** Response body bytes. */
  responseBytes: number;
  /** Request body bytes. */
  requestBytes: number;
}

/** One measured review. */
export interface EvidenceRow {
  /** Candidates, tagged baselines and the production run (which joins only with evidence). */
  reportedRuns: number;
  /** The candidates among them. */
  candidates: number;
  /** The evidence inputs set. */
  variant: EvidenceVariant;
  /** The evidence inputs, by name without `INPUT_`; none for `none`. */
  inputs: Record<string, string>;
  /** Our CLI: medians, with each run's figures in `samples`. */
  ours: OurMeasurement;
  /** The requests by operation, in order of first use. */
  operations: OperationTraffic[];
  /** Runs whose records (curves, lineage, fields) the `RunRecords` requests asked for. */
  recordRuns: number;
  /** The runs among them whose curves were asked for (finished candidates, compared baselines, the production run). */
  curveRuns: number;
}

/** What the evidence measurement found. */
export interface EvidenceCost {
  /** Runs in the project. */
  totalRuns: number;
  /** Steps each reported run logged. */
  historySteps: number;
  /** Metrics each reported run logged at every step. */
  loggedMetrics: number;
  /** Artifacts each reported run used. */
  artifactsUsed: number;
  /** The fake's delay per request, in milliseconds. */
  latencyMs: number;
  /** Runs of our CLI per row; the figures are their medians. */
  repeats: number;
  /** Every review measured. */
  rows: EvidenceRow[];
}

/**
 * The evidence inputs of a variant, as a workflow sets them.
 *
 * @param variant Which inputs.
 * @returns The inputs by name without `INPUT_`; none for `none`.
 */
export function evidenceInputs(
  variant: EvidenceVariant,
): Record<string, string> {
  if (variant === "none") return {};
  const registry =
    `${EVIDENCE_REGISTRY_PROJECT}/${EVIDENCE_REGISTRY_COLLECTION}:${PRODUCTION_ALIAS}`;
  return {
    HISTORY_METRICS: LOGGED_METRICS.slice(0, variant === "2 metrics" ? 2 : 8)
      .join(", "),
    HISTORY_SAMPLES: String(HISTORY_SAMPLES),
    CONVERGENCE: CONVERGENCE_METRIC,
    DATA_ARTIFACT_TYPES: DATA_TYPES.join(", "),
    REQUIRE_SAME_DATA: "true",
    EXPECTED_DATA: EXPECTED_DATA.join(", "),
    BASELINE_ARTIFACT: variant.endsWith("without its org")
      ? registry
      : `${EVIDENCE_ORG_ENTITY}/${registry}`,
    SIGNIFICANCE: "0.05",
  };
}

/** The operation a request ran: the name after `query`. */
function operationOf(request: RecordedRequest): string {
  return /^\s*query\s+(\w+)/.exec(request.query)?.[1] ?? "(unnamed)";
}

/** The requests grouped by operation, in order of first use. */
function trafficByOperation(
  requests: readonly RecordedRequest[],
): OperationTraffic[] {
  const byOperation = new Map<string, OperationTraffic>();
  for (const request of requests) {
    const operation = operationOf(request);
    const traffic = byOperation.get(operation) ??
      { operation, requests: 0, responseBytes: 0, requestBytes: 0 };
    traffic.requests++;
    traffic.responseBytes += request.responseBytes;
    traffic.requestBytes += requestBodyBytes(request);
    byOperation.set(operation, traffic);
  }
  return [...byOperation.values()];
}

/** The `RunRecords` requests: how many runs they asked about (one `$rN` variable each), and for how many curves. */
function recordsAsked(
  requests: readonly RecordedRequest[],
): { runs: number; curves: number } {
  const records = requests.filter((request) =>
    operationOf(request) === "RunRecords"
  );
  return {
    runs: records.reduce(
      (sum, request) =>
        sum +
        Object.keys(request.variables).filter((name) => /^r\d+$/.test(name))
          .length,
      0,
    ),
    curves: records.reduce(
      (sum, request) => sum + request.query.split("sampledHistory(").length - 1,
      0,
    ),
  };
}

/** How to measure. */
export interface EvidenceCostOptions {
  /** The fake's delay per request, in milliseconds. */
  latencyMs: number;
  /** Runs of our CLI per row. */
  repeats: number;
  /** A folder for the CSV and report. */
  folder: string;
  /** The V8 flags of action.yml's `deno run`. */
  v8Flags: readonly string[];
  /** Where progress goes. */
  log: (line: string) => void;
}

/**
 * Measures one review `repeats` times, each against a fresh fake seeded
 * alike (so that it samples the same rows), and checks what came back: the
 * runs in the CSV, the gates passed (the curves converged, the data is the
 * expected one: so the evidence arrived), the records asked for every
 * reported run, and no evidence request without evidence inputs.
 */
async function measureReview(
  data: EvidenceProject,
  reportedRuns: number,
  variant: EvidenceVariant,
  options: EvidenceCostOptions,
): Promise<EvidenceRow> {
  const candidates = data.candidates.get(reportedRuns)!;
  const withEvidence = variant !== "none";
  const baselines = withEvidence
    ? [...data.baselines, data.production].sort((a, b) =>
      a.createdAt < b.createdAt ? -1 : a.createdAt > b.createdAt ? 1 : 0
    )
    : data.baselines;
  const inputs: CliInputs = {
    projectName: `${BENCH_ENTITY}/${BENCH_PROJECT}`,
    githubSha: benchSha(candidatesFor(reportedRuns)),
    baselineTags: [BASELINE_TAG],
    metrics: DISPLAY_METRICS,
    configVars: DISPLAY_CONFIG_VARS,
    apiKey: BENCH_API_KEY,
    extraInputs: evidenceInputs(variant),
  };
  const runs: OurMeasurement[] = [];
  let requests: RecordedRequest[] = [];
  for (let repeat = 0; repeat < options.repeats; repeat++) {
    const fake = startFakeWandb({
      projects: data.projects,
      organizations: data.organizations,
      apiKeys: [BENCH_API_KEY],
      latencyMs: options.latencyMs,
      historySeed: HISTORY_SEED,
    });
    try {
      runs.push(
        await measureOurs(fake, inputs, {
          folder: options.folder,
          expected: { candidates, baselines },
          v8Flags: options.v8Flags,
        }),
      );
      requests = fake.requests;
    } finally {
      await fake.close();
    }
  }
  const ours = medianMeasurement(runs);
  const where = `${reportedRuns} reported runs, evidence ${variant}`;
  if (ours.outputs.BOOL_PASSED !== "True") {
    throw new Error(
      `Cannot trust the evidence measurement (${where}): a gate failed: ${ours.outputs.GATE_FAILURES}`,
    );
  }
  const operations = trafficByOperation(requests);
  const asked = recordsAsked(requests);
  const expectedRecordRuns = withEvidence ? reportedRuns : 0;
  if (asked.runs !== expectedRecordRuns) {
    throw new Error(
      `Cannot trust the evidence measurement (${where}): the records of ${asked.runs} runs were asked for, expected ${expectedRecordRuns}`,
    );
  }
  return {
    reportedRuns,
    candidates: candidates.length,
    variant,
    inputs: evidenceInputs(variant),
    ours,
    operations,
    recordRuns: asked.runs,
    curveRuns: asked.curves,
  };
}

/**
 * Measures every review: 10, 50 and 120 reported runs, without evidence and
 * with all evidence inputs (2 history metrics, then 8), and at 50 runs with
 * a registry path without its org; after one unmeasured run.
 *
 * @param options The latency, the repeats, the folder, the V8 flags and the log.
 * @returns The measurements.
 * @throws {Error} when a run fails or its output or traffic is wrong.
 */
export async function measureEvidenceCost(
  options: EvidenceCostOptions,
): Promise<EvidenceCost> {
  const data = evidenceProject({
    totalRuns: TOTAL_RUNS,
    reportedRunCounts: REPORTED_RUN_COUNTS,
  });
  options.log("Evidence: warming up ...");
  await measureReview(data, REPORTED_RUN_COUNTS[0], "8 metrics", {
    ...options,
    repeats: 1,
  });
  const rows: EvidenceRow[] = [];
  for (const reportedRuns of REPORTED_RUN_COUNTS) {
    for (const variant of VARIANTS) {
      if (
        variant.endsWith("without its org") && reportedRuns !== WITHOUT_ORG_AT
      ) {
        continue;
      }
      options.log(`Evidence: ${reportedRuns} reported runs, ${variant} ...`);
      rows.push(await measureReview(data, reportedRuns, variant, options));
    }
  }
  return {
    totalRuns: TOTAL_RUNS,
    historySteps: HISTORY_STEPS,
    loggedMetrics: LOGGED_METRICS.length,
    artifactsUsed: data.production.usedArtifacts!.length,
    latencyMs: options.latencyMs,
    repeats: options.repeats,
    rows,
  };
}

/** The row without evidence at the same number of reported runs. */
function withoutEvidence(cost: EvidenceCost, row: EvidenceRow): EvidenceRow {
  return cost.rows.find((other) =>
    other.reportedRuns === row.reportedRuns && other.variant === "none"
  )!;
}

/** Requests a row made beyond the same review without evidence. */
function addedRequests(cost: EvidenceCost, row: EvidenceRow): number {
  return row.ours.requests - withoutEvidence(cost, row).ours.requests;
}

/** `OrgOf 1, ArtifactVersions 1, RunRecords 3`: the evidence requests of a row. */
function evidenceOperations(row: EvidenceRow): string {
  return row.operations.filter((traffic) =>
    traffic.operation !== RUNS_OPERATION
  ).map((traffic) => `${traffic.operation} ${traffic.requests}`).join(", ");
}

/** `120 runs, 111 with curves: 7.65 MB`: what the `RunRecords` requests brought. */
function recordsBrought(row: EvidenceRow): string {
  const records = row.operations.find((traffic) =>
    traffic.operation === "RunRecords"
  );
  return records === undefined
    ? ""
    : `${formatCount(row.recordRuns)} runs, ${
      formatCount(row.curveRuns)
    } with curves: ${formatBytes(records.responseBytes)}`;
}

/**
 * Judges the issue's promises on requests: unset, nothing is requested; set,
 * at most two more requests for up to 50 reported runs whatever the number
 * of metrics; one more per further 50 runs; one more for a registry path
 * without its org.
 *
 * @param cost The measurements.
 * @returns One verdict per promise.
 */
export function evidenceVerdicts(cost: EvidenceCost): TargetVerdict[] {
  const rowsOf = (variant: EvidenceVariant) =>
    cost.rows.filter((row) => row.variant === variant);
  const unset = rowsOf("none");
  const withMetrics = cost.rows.filter((row) =>
    row.variant === "2 metrics" || row.variant === "8 metrics"
  );
  const upTo50 = withMetrics.filter((row) =>
    row.reportedRuns <= PROMISED_RUNS_PER_REQUEST
  );
  const past50 = withMetrics.filter((row) =>
    row.reportedRuns > PROMISED_RUNS_PER_REQUEST
  );
  const sameForMetrics = REPORTED_RUN_COUNTS.every((runs) => {
    const added = withMetrics.filter((row) => row.reportedRuns === runs).map(
      (row) => addedRequests(cost, row),
    );
    return added.every((count) => count === added[0]);
  });
  const byScale = (rows: readonly EvidenceRow[]) =>
    REPORTED_RUN_COUNTS.flatMap((runs) => {
      const here = rows.filter((row) => row.reportedRuns === runs);
      return here.length === 0 ? [] : [
        `${formatCount(runs)} runs: ${
          here.map((row) =>
            `+${addedRequests(cost, row)} with ${
              row.variant.replace(", registry path without its org", "")
            }`
          ).join(", ")
        } (${evidenceOperations(here.at(-1)!)})`,
      ];
    }).join("; ");
  const withoutOrg = rowsOf("8 metrics, registry path without its org");
  const verdicts: TargetVerdict[] = [
    {
      target:
        "Evidence inputs unset: nothing is requested beyond the runs query",
      measured: unset.map((row) =>
        `${formatCount(row.reportedRuns)} runs: ${
          row.operations.map((traffic) =>
            `${traffic.operation} ${traffic.requests}`
          ).join(", ")
        }`
      ).join("; "),
      met: unset.every((row) =>
        row.operations.every((traffic) => traffic.operation === RUNS_OPERATION)
      ),
    },
    {
      target:
        "Evidence inputs set: at most two more requests for up to 50 reported runs (aliases in one document), whatever the number of metrics",
      measured: byScale(upTo50),
      met: sameForMetrics &&
        upTo50.every((row) => addedRequests(cost, row) <= PROMISED_REQUESTS),
    },
    {
      target:
        "Evidence inputs set: one more request per further 50 reported runs",
      measured: byScale(past50),
      // One request for the aliases, one per 50 runs' records.
      met: past50.every((row) =>
        addedRequests(cost, row) <=
          1 + Math.ceil(row.reportedRuns / PROMISED_RUNS_PER_REQUEST)
      ),
    },
  ];
  if (withoutOrg.length > 0) {
    verdicts.push({
      target:
        "A registry path without its org: one request more (the org look-up)",
      measured: byScale(withoutOrg),
      met: withoutOrg.every((row) => {
        const withOrg = cost.rows.find((other) =>
          other.reportedRuns === row.reportedRuns &&
          other.variant === "8 metrics"
        )!;
        return addedRequests(cost, row) <= addedRequests(cost, withOrg) + 1;
      }),
    });
  }
  return verdicts;
}

/** `+12 ms`, `-3.1 kB`: a difference with its sign. */
function signed(value: number, format: (value: number) => string): string {
  return `${value < 0 ? "-" : "+"}${format(Math.abs(value))}`;
}

/**
 * Renders the measurements as a Markdown subsection: what was measured,
 * then one row per review with each figure and what it added.
 *
 * @param cost The measurements.
 * @returns The Markdown text, starting with its `###` title.
 */
export function renderEvidenceCost(cost: EvidenceCost): string {
  const all = evidenceInputs("8 metrics");
  const setup = [
    `A project of ${
      formatCount(cost.totalRuns)
    } runs built as the project above, in which every candidate, tagged baseline and the production run logged ${cost.loggedMetrics} metrics at each of ${
      formatCount(cost.historySteps)
    } steps and used ${cost.artifactsUsed} artifacts; the production model is linked in the organisation's registry. Reported runs are the candidates, 5 tagged baselines and the production run (which joins the baselines only with evidence, so a review without evidence reports one run fewer). "All" sets ${
      Object.entries(all).filter(([name]) => name !== "HISTORY_METRICS").map((
        [name, value],
      ) => `\`${name}: ${value}\``).join(", ")
    } and \`HISTORY_METRICS\` with the first 2 or all 8 of \`${
      LOGGED_METRICS.join(", ")
    }\`. Each figure is the median of ${cost.repeats} runs, each against a fresh fake W&B (${cost.latencyMs} ms a request) sampling the same rows; added = the difference with the same review without evidence. \`fake W&B CPU\` is the fake's own work (in the bench process), which the wall time includes; \`run records\` is what the \`RunRecords\` requests asked about and the bytes they brought.`,
  ].join("\n");
  const table = markdownTable(
    [
      "reported runs",
      "evidence inputs",
      "requests (added)",
      "evidence requests",
      "response bytes (added)",
      "request bytes (added)",
      "wall (added)",
      "CPU (added)",
      "peak RSS (added)",
      "fake W&B CPU (added)",
      "run records",
    ],
    cost.rows.map((row) => {
      const base = withoutEvidence(cost, row);
      const figure = (
        pick: (measurement: OurMeasurement) => number,
        format: (value: number) => string,
      ) =>
        row === base
          ? format(pick(row.ours))
          : `${format(pick(row.ours))} (${
            signed(pick(row.ours) - pick(base.ours), format)
          })`;
      return [
        formatCount(row.reportedRuns),
        row.variant === "none" ? "none" : `all, ${row.variant}`,
        figure((measurement) => measurement.requests, formatCount),
        row.variant === "none" ? "" : evidenceOperations(row),
        figure((measurement) => measurement.responseBytes, formatBytes),
        figure((measurement) => measurement.requestBytes, formatBytes),
        figure((measurement) => measurement.wallMs, formatMs),
        figure((measurement) => measurement.cpuMs, formatMs),
        figure((measurement) => measurement.peakRssBytes, formatBytes),
        figure((measurement) => measurement.fakeCpuMs, formatMs),
        recordsBrought(row),
      ];
    }),
    [
      "right",
      "left",
      "right",
      "left",
      "right",
      "right",
      "right",
      "right",
      "right",
      "right",
      "left",
    ],
  );
  return [
    "### Evidence: what curves, lineage and the production baseline add",
    setup,
    table,
  ].join("\n\n");
}
