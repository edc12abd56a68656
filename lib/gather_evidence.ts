/**
 * Fetches what the review needs from W&B beyond the runs' summaries, once the
 * candidates and baselines are fetched: the run behind a production alias
 * (which joins the baselines), the versions expected-data aliases point to,
 * the sampled curves of the finished candidates and compared baselines, and
 * the artifacts every reported run used.
 *
 * It costs at most two requests for up to 50 runs (the reported runs, and a
 * production run from outside them): one for all aliases, one for all runs'
 * records (and the production run itself); one more when a registry path
 * leaves out its organisation, and one more per further 50 runs. Nothing is
 * requested when nothing is asked for.
 *
 * @module
 */

import { WandbError } from "./errors.ts";
import type { ArtifactPath } from "./wandb/artifact_path.ts";
import { formatArtifactPath } from "./wandb/artifact_path.ts";
import { lookUpArtifacts } from "./wandb/artifact_lookup.ts";
import type { WandbConnection } from "./wandb/graphql_transport.ts";
import {
  fetchRunRecords,
  runKey,
  type RunRecordsWanted,
} from "./wandb/run_records.ts";
import type { RunLocation } from "./wandb/run_url.ts";
import type { KeptValues, WandbRun } from "./wandb/run.ts";
import { isFinished } from "./wandb/run_state.ts";
import {
  type BaselineAggregate,
  baselineValue,
} from "./review/baseline_comparison.ts";
import { categoriseRuns } from "./review/categorise.ts";
import {
  noEvidence,
  type ProductionBaseline,
  type RunEvidence,
} from "./review/evidence.ts";
import type { MetricGoal } from "./review/metric_goals.ts";
import { quoteForMessage } from "./_message.ts";

/** What to gather. Every part is optional: an empty request asks W&B nothing. */
export interface EvidenceRequest {
  /** The reviewed entity: the default of artifact paths, and where fetched runs live. */
  entity: string;
  /** The reviewed project. */
  project: string;
  /** History metrics to sample for the finished candidates and compared baselines. */
  historyMetrics: readonly string[];
  /** The most points per metric and run. */
  samples: number;
  /** Read every reported run's input artifacts and show these types; absent: no lineage. */
  dataTypes?: readonly string[];
  /** Aliases whose current version candidates must have used (lineage is read for them). */
  expectedData: readonly ArtifactPath[];
  /** The alias of the production model, whose producing run joins the baselines. */
  production?: ArtifactPath;
  /** The compared metrics (to know which baselines are compared). */
  goals: readonly MetricGoal[];
  /** How baselines are aggregated. */
  aggregate: BaselineAggregate;
  /** The summary and config values the production run keeps. */
  kept: KeptValues;
}

/** Which alias could not be resolved. */
export type AliasRole = "production" | "expected-data";

/** An alias W&B could not resolve to a version, or the production version to a readable run. */
export class ArtifactAliasError extends WandbError {
  /** Which alias failed: the production baseline or an expected data version. */
  readonly role: AliasRole;

  /**
   * Makes the error.
   *
   * @param role Which alias failed.
   * @param message One line saying what W&B lacks.
   */
  constructor(role: AliasRole, message: string) {
    super(message);
    this.name = "ArtifactAliasError";
    this.role = role;
  }
}

/** The runs with the production run joined, the evidence, and the requests made. */
export interface GatheredEvidence {
  /** The candidates and the baselines, the production run among the baselines. */
  runs: { candidates: WandbRun[]; baselines: WandbRun[] };
  /** What was gathered. */
  evidence: RunEvidence;
  /** How many GraphQL requests were made (retries not counted). */
  requests: number;
}

/**
 * Gathers the evidence asked for (see the module's description).
 *
 * @param fetched The candidates and baselines already fetched.
 * @param request What to gather.
 * @param connection How to reach W&B.
 * @returns The runs with the production run joined, the evidence, and the requests made.
 * @throws {ArtifactAliasError} when an alias names no version, or the production version no readable run.
 * @throws {WandbError} when W&B fails or answers malformed data.
 */
export async function gatherEvidence(
  fetched: { candidates: readonly WandbRun[]; baselines: readonly WandbRun[] },
  request: EvidenceRequest,
  connection: WandbConnection,
): Promise<GatheredEvidence> {
  const evidence = noEvidence();
  const runs = categoriseRuns(fetched.candidates, fetched.baselines);
  const aliases = [
    ...request.production === undefined ? [] : [request.production],
    ...request.expectedData,
  ];
  const lookups = await lookUpArtifacts(aliases, {
    ...connection,
    entity: request.entity,
    project: request.project,
  });
  let requests = lookups.requests;
  let productionAt: RunLocation | undefined;
  for (const [index, result] of lookups.results.entries()) {
    const role: AliasRole = request.production !== undefined && index === 0
      ? "production"
      : "expected-data";
    const alias = formatArtifactPath(result.path);
    if (!result.found) throw new ArtifactAliasError(role, result.reason);
    if (role === "expected-data") {
      evidence.expected.push({ alias, version: result.version });
      continue;
    }
    if (result.producer === null) {
      throw new ArtifactAliasError(
        role,
        `${alias} (${result.version.collection}) was not logged by a run this API key can read: a user logged it, or the run's project is hidden from the key`,
      );
    }
    productionAt = result.producer;
    evidence.production = {
      runId: result.producer.runId,
      alias,
      version: result.version,
    } satisfies ProductionBaseline;
  }

  const here = (runId: string) => ({
    entity: request.entity,
    project: request.project,
    runId,
  });
  const known = productionAt === undefined
    ? undefined
    : findRun(runs, productionAt, request);
  if (productionAt !== undefined) {
    checkProduction(productionAt, known, runs, request, evidence.production!);
  }
  const lineage = request.dataTypes !== undefined ||
    request.expectedData.length > 0;
  evidence.dataTypes = [...request.dataTypes ?? []];
  evidence.historyMetrics = [...request.historyMetrics];
  const history = new Set(
    request.historyMetrics.length === 0
      ? []
      : historyRuns(runs, request, evidence.production?.runId),
  );
  const wanted = new Map<string, RunRecordsWanted>();
  const want = (where: RunLocation, fields: boolean) => {
    const sampled = history.has(where.runId);
    if (!sampled && !lineage && !fields) return;
    wanted.set(runKey(where), {
      ...where,
      history: sampled,
      lineage,
      fields,
    });
  };
  for (const run of [...runs.candidates, ...runs.baselines]) {
    want(here(run.runId), false);
  }
  if (productionAt !== undefined && known === undefined) {
    want(productionAt, true);
  }
  const fetchedRecords = await fetchRunRecords([...wanted.values()], {
    ...connection,
    historyMetrics: request.historyMetrics,
    samples: request.samples,
    kept: request.kept,
  });
  requests += fetchedRecords.requests;
  for (const [key, records] of fetchedRecords.records) {
    const runId = wanted.get(key)!.runId;
    if (records?.history !== undefined) {
      evidence.history.set(runId, records.history);
    }
    if (records?.inputs !== undefined) {
      evidence.inputs.set(runId, records.inputs);
    }
  }
  if (productionAt !== undefined && known === undefined) {
    const records = fetchedRecords.records.get(runKey(productionAt));
    if (records?.run === undefined) {
      throw new ArtifactAliasError(
        "production",
        `W&B has no run ${
          quoteForMessage(productionAt.runId)
        } in "${productionAt.entity}/${productionAt.project}" that this API key can read (it logged ${
          evidence.production!.alias
        })`,
      );
    }
    const outside = productionAt.entity !== request.entity ||
      productionAt.project !== request.project;
    const run: WandbRun = outside
      ? {
        ...records.run,
        location: {
          entity: productionAt.entity,
          project: productionAt.project,
        },
      }
      : records.run;
    runs.baselines = [...runs.baselines, run].sort((a, b) =>
      a.createdAt < b.createdAt ? -1 : a.createdAt > b.createdAt ? 1 : 0
    );
  }
  return { runs, evidence, requests };
}

/**
 * Refuses a production run that cannot be a baseline: one that is a
 * candidate of this review when candidates are compared with it alone, and
 * one from another project whose id a reviewed run has too (the evidence is
 * kept by run id).
 */
function checkProduction(
  at: RunLocation,
  known: WandbRun | undefined,
  runs: { candidates: readonly WandbRun[]; baselines: readonly WandbRun[] },
  request: EvidenceRequest,
  production: ProductionBaseline,
): void {
  const logged = `${production.alias} was logged by run ${
    quoteForMessage(at.runId)
  }`;
  if (
    known !== undefined && request.aggregate === "production" &&
    runs.candidates.includes(known)
  ) {
    throw new ArtifactAliasError(
      "production",
      `${logged}, which is a candidate of this review: it cannot be the baseline the candidates are compared with alone`,
    );
  }
  const outside = at.entity !== request.entity ||
    at.project !== request.project;
  if (
    outside &&
    [...runs.candidates, ...runs.baselines].some((run) =>
      run.runId === at.runId
    )
  ) {
    throw new ArtifactAliasError(
      "production",
      `${logged} in "${at.entity}/${at.project}", and a run of the reviewed project has that id too; the report keeps runs by id, so it cannot show both`,
    );
  }
}

/** The production run when it was fetched already (a candidate or a tagged baseline of the reviewed project). */
function findRun(
  runs: { candidates: readonly WandbRun[]; baselines: readonly WandbRun[] },
  at: RunLocation,
  request: EvidenceRequest,
): WandbRun | undefined {
  if (at.entity !== request.entity || at.project !== request.project) {
    return undefined;
  }
  return [...runs.candidates, ...runs.baselines].find((run) =>
    run.runId === at.runId
  );
}

/**
 * The runs whose curves are sampled: the finished candidates, the baselines
 * they are compared with (before the production run joins: whichever of
 * them stays compared is among these), and the production run.
 */
function historyRuns(
  runs: { candidates: readonly WandbRun[]; baselines: readonly WandbRun[] },
  request: EvidenceRequest,
  productionRunId: string | undefined,
): string[] {
  const compared = new Set<string>();
  if (request.aggregate !== "production") {
    for (const goal of request.goals) {
      const value = baselineValue(runs.baselines, goal, request.aggregate);
      if (value?.runId !== undefined) compared.add(value.runId);
      if (value !== undefined && value.runId === undefined) {
        for (const run of runs.baselines.filter(isFinished)) {
          compared.add(run.runId);
        }
      }
    }
    if (request.goals.length === 0) {
      for (const run of runs.baselines.filter(isFinished)) {
        compared.add(run.runId);
      }
    }
  }
  return [
    ...runs.candidates.filter(isFinished).map((run) => run.runId),
    ...compared,
    ...productionRunId === undefined ? [] : [productionRunId],
  ];
}
