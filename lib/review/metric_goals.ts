import { quoteForMessage } from "../_message.ts";

/**
 * Which way a metric improves: `max` (higher is better) or `min`.
 *
 * @example Give a direction to a metric whose name has none
 * ```ts
 * import { metricGoals } from "@ml-review/wandb-runs/review";
 * import type { Direction } from "@ml-review/wandb-runs/review";
 * import assert from "node:assert/strict";
 *
 * const given = new Map<string, Direction>([["grad_norm", "min"]]);
 * const [accuracy, gradNorm] = metricGoals(["val_acc", "grad_norm"], given);
 * assert.equal(accuracy.direction, "max"); // inferred from the name
 * assert.equal(gradNorm.direction, "min"); // as given
 * ```
 */
export type Direction = "max" | "min";

/**
 * A metric's direction, and whether it was inferred from the name.
 *
 * @example List the directions that were guessed, for the user to check
 * ```ts
 * import { metricGoals } from "@ml-review/wandb-runs/review";
 * import type { MetricGoal } from "@ml-review/wandb-runs/review";
 * import assert from "node:assert/strict";
 *
 * const goals: MetricGoal[] = metricGoals(
 *   ["val_loss", "eval/bleu", "latency_ms"],
 *   new Map([["latency_ms", "min"]]),
 * );
 * const guessed = goals.filter((goal) => goal.inferred)
 *   .map(({ metric, direction }) => `${metric}: ${direction}`);
 * assert.deepEqual(guessed, ["val_loss: min", "eval/bleu: max"]);
 * ```
 */
export interface MetricGoal {
  /** The metric's name (or dotted path), as the user gave it. */
  metric: string;
  /** Which way it improves. */
  direction: Direction;
  /** `true` when guessed from the name ({@linkcode inferDirection}) rather than given. */
  inferred: boolean;
}

/**
 * Words that mean lower is better, with compounds written joined
 * (`crossentropy` also matches `cross_entropy` and `CrossEntropy`).
 */
const LOWER_IS_BETTER = [
  // Losses and errors (Keras, scikit-learn, XGBoost and LightGBM names).
  "loss",
  "error",
  "errors",
  "err",
  "errs",
  "stderr",
  "mse",
  "mae",
  "rmse",
  "mape",
  "smape",
  "msle",
  "rmsle",
  "l1",
  "l2",
  "huber",
  "hinge",
  "logcosh",
  "poisson",
  "deviance",
  "brier",
  "hamming",
  "logloss",
  "mlogloss",
  "merror",
  // Likelihood and information.
  "nll",
  "nloglik",
  "negloglik",
  "negloglikelihood",
  "negativeloglikelihood",
  "crossentropy",
  "xent",
  "bce",
  "perplexity",
  "ppl",
  "bpd",
  "bpc",
  "bpb",
  "bitsperdim",
  "bitsperbyte",
  "bitsperchar",
  "bitspercharacter",
  "kl",
  "kld",
  "kullbackleibler",
  "divergence",
  // Speech and translation edit rates.
  "wer",
  "cer",
  "mer",
  "wil",
  "wordinfolost",
  "ter",
  // Generative models and geometry.
  "fid",
  "kid",
  "fvd",
  "lpips",
  "learnedperceptualimagepatchsimilarity",
  "distance",
  "chamfer",
  "emd",
  "hausdorff",
  "hd95",
  "assd",
  // Mistake rates and counts.
  "fpr",
  "fnr",
  "fdr",
  "eer",
  "fallout",
  "miss",
  "misses",
  "falsepositive",
  "falsepositives",
  "falsenegative",
  "falsenegatives",
  "falsealarm",
  "falsealarms",
  "falsediscovery",
  "falseaccept",
  "falseacceptance",
  "falsereject",
  "falserejection",
  "ece",
  // Retrieval ranks, clustering, decisions, safety.
  "meanrank",
  "medianrank",
  "medr",
  "daviesbouldin",
  "regret",
  "cost",
  "toxicity",
  "hallucination",
  "hallucinations",
];

/** Words that name a time: lower is better unless the name is a rate. */
const TIMES = [
  "time",
  "runtime",
  "latency",
  "duration",
  "elapsed",
  "wallclock",
  "delay",
  "ttft",
  "tpot",
  "itl",
];

/** Time units: a time on their own, a rate after `per` or `count/`. */
const TIME_UNITS = [
  "second",
  "seconds",
  "sec",
  "secs",
  "ms",
  "msec",
  "msecs",
  "millisecond",
  "milliseconds",
  "microsecond",
  "microseconds",
  "usec",
  "minute",
  "minutes",
  "mins",
  "hour",
  "hours",
  "hrs",
  "day",
  "days",
];

/** Time units too short to mean a time on their own: they only make rates. */
const SHORT_TIME_UNITS = ["s", "min", "h", "hr", "us", "ns"];

/** Words that name a rate, so that the times in the name do not count. */
const THROUGHPUTS = ["throughput", "fps", "sps", "qps", "rps", "tps"];

/**
 * Words that cancel the lower-is-better word after them: scikit-learn's
 * negated scorers (`neg_log_loss`) and D² scores (`d2_absolute_error_score`).
 */
const NEGATIONS = ["neg", "d2"];

/** Compounds that hold a lower-is-better word but mean something else. */
const NOT_LOWER_IS_BETTER = ["lossscale", "msssim", "timestep", "timesteps"];

/** Things counted per unit of time in `samples/sec` or `it/s`. */
const COUNTS = new Set([
  "sample",
  "samples",
  "token",
  "tokens",
  "tok",
  "toks",
  "step",
  "steps",
  "it",
  "iter",
  "iters",
  "iteration",
  "iterations",
  "image",
  "images",
  "img",
  "imgs",
  "frame",
  "frames",
  "example",
  "examples",
  "sequence",
  "sequences",
  "seq",
  "seqs",
  "batch",
  "batches",
  "item",
  "items",
  "query",
  "queries",
  "request",
  "requests",
  "req",
  "reqs",
  "word",
  "words",
  "char",
  "chars",
  "episode",
  "episodes",
  "transition",
  "transitions",
  "update",
  "updates",
  "byte",
  "bytes",
  "bit",
  "bits",
]);

/** What a term of a metric name says about its direction. */
type TermKind =
  | "lower"
  | "time"
  | "unit"
  | "shortUnit"
  | "throughput"
  | "negation"
  | "other";

/** Every known term, joined, to its kind. */
const TERMS: ReadonlyMap<string, TermKind> = new Map<string, TermKind>([
  ...LOWER_IS_BETTER.map((word) => [word, "lower"] as const),
  ...TIMES.map((word) => [word, "time"] as const),
  ...TIME_UNITS.map((word) => [word, "unit"] as const),
  ...SHORT_TIME_UNITS.map((word) => [word, "shortUnit"] as const),
  ...THROUGHPUTS.map((word) => [word, "throughput"] as const),
  ...NEGATIONS.map((word) => [word, "negation"] as const),
  ...NOT_LOWER_IS_BETTER.map((word) => [word, "other"] as const),
]);

/** The most words one term spans (`learned_perceptual_image_patch_similarity`). */
const LONGEST_TERM = 5;

/** A word boundary inside a run of letters and digits: camelCase humps and digits. */
const WORD_BOUNDARY =
  /(?<=\p{Ll})(?=\p{Lu})|(?<=\p{Lu})(?=\p{Lu}\p{Ll}{2})|(?<=\p{L})(?=\p{N})|(?<=\p{N})(?=\p{L})/u;

/** One word of a metric name. */
interface Word {
  /** The word in lower case. */
  text: string;
  /** Whether a `/` comes right before it, as in `samples/sec`. */
  afterSlash: boolean;
}

function wordsOf(metric: string): Word[] {
  const words: Word[] = [];
  for (const run of metric.matchAll(/[\p{L}\p{N}]+/gu)) {
    const afterSlash = metric[run.index - 1] === "/";
    run[0].split(WORD_BOUNDARY).forEach((piece, index) =>
      words.push({
        text: piece.toLowerCase(),
        afterSlash: afterSlash && index === 0,
      })
    );
  }
  return words;
}

/** The longest known term starting at `start`, else the one word there. */
function termAt(
  words: readonly Word[],
  start: number,
): { kind: TermKind | undefined; length: number } {
  for (
    let length = Math.min(LONGEST_TERM, words.length - start);
    length > 1;
    length--
  ) {
    const joined = words.slice(start, start + length)
      .map((word) => word.text)
      .join("");
    const kind = TERMS.get(joined);
    if (kind !== undefined) return { kind, length };
  }
  return { kind: TERMS.get(words[start].text), length: 1 };
}

/**
 * Guesses a metric's direction from the whole words of its name, never from
 * the ends of words (`answer_accuracy`, `power` and `lifetime_reward` are
 * higher-is-better).
 *
 * The name is cut into words at every character that is not a letter or a
 * digit (`_ . - / @ ,`, spaces, brackets), at camelCase humps (`valLoss`,
 * `MSELoss`) and between letters and digits (`top1_error`, `p95`), and read
 * in lower case. Consecutive words are read together when they spell a
 * known term, the longest first, so `cross_entropy`, `crossEntropy` and
 * `crossentropy` are the same term. The metric is lower-is-better (`min`)
 * when a term is:
 *
 * - a loss, error or cost: loss, error, err, mse, mae, rmse, mape, msle,
 *   rmsle, l1, l2, hinge, huber, logcosh, poisson, deviance, brier, hamming,
 *   logloss, nll, cross entropy, bce, perplexity, ppl, bits per dim (bpd,
 *   bpc, bpb), kl, divergence, wer, cer, mer, wil, ter, fid, kid, fvd,
 *   lpips, distance, chamfer, emd, hausdorff, fpr, fnr, fdr, eer, fall-out,
 *   miss, false positives, false negatives, ece, mean and median rank,
 *   Davies-Bouldin, regret, cost, toxicity, hallucination; or
 * - a time: time, runtime, latency, duration, elapsed, delay, ttft, tpot,
 *   or a unit such as seconds, sec or ms; unless the name is a rate, with a
 *   unit after `per` (`samples_per_second`), after a count and a slash
 *   (`samples/sec`, `it/s`), or a throughput word (throughput, fps, sps,
 *   qps, rps, tps).
 *
 * `neg` or `d2` before a lower-is-better term cancels it, as in
 * scikit-learn's `neg_log_loss` and `d2_absolute_error_score`; `loss_scale`,
 * `ms_ssim` and `timesteps` are not losses or times. Anything else is
 * higher-is-better (`max`): accuracy, F1, AUC, BLEU, ROUGE, mAP, IoU,
 * rewards, entropy, and names such as `lr` or `grad_norm` that have no
 * direction; give those a direction or leave them out of a gate.
 *
 * @example Losses and times are lower-is-better; rates and accuracies higher
 * ```ts
 * import { inferDirection } from "@ml-review/wandb-runs/review";
 * import assert from "node:assert/strict";
 *
 * assert.equal(inferDirection("val_loss"), "min");
 * assert.equal(inferDirection("valLoss"), "min");
 * assert.equal(inferDirection("eval_runtime"), "min");
 * assert.equal(inferDirection("eval_samples_per_second"), "max");
 * assert.equal(inferDirection("neg_mean_squared_error"), "max");
 * assert.equal(inferDirection("answer_accuracy"), "max");
 * assert.equal(inferDirection("val_acc"), "max");
 * ```
 *
 * @param metric The metric name.
 * @returns `min` or `max`.
 */
export function inferDirection(metric: string): Direction {
  const words = wordsOf(metric);
  let lower = false;
  let time = false;
  let rate = false;
  let negated = false;
  for (let start = 0; start < words.length;) {
    const { kind, length } = termAt(words, start);
    const previous = words[start - 1]?.text ?? "";
    const isUnit = kind === "unit" || kind === "shortUnit";
    if (
      kind === "throughput" ||
      (isUnit &&
        (previous === "per" ||
          (words[start].afterSlash && COUNTS.has(previous))))
    ) {
      rate = true;
    } else if (kind === "negation") {
      negated = true;
    } else if (kind === "lower" || kind === "time" || kind === "unit") {
      if (negated) negated = false;
      else if (kind === "lower") lower = true;
      else time = true;
    }
    start += length;
  }
  return lower || (time && !rate) ? "min" : "max";
}

/**
 * The goal of each metric: the direction given for it, else the one
 * inferred from its name ({@linkcode inferDirection}).
 *
 * @example A direction given wins over the one inferred from the name
 * ```ts
 * import { metricGoals } from "@ml-review/wandb-runs/review";
 * import assert from "node:assert/strict";
 *
 * assert.deepEqual(metricGoals(["acc", "speed"], new Map([["speed", "min"]])), [
 *   { metric: "acc", direction: "max", inferred: true },
 *   { metric: "speed", direction: "min", inferred: false },
 * ]);
 * ```
 *
 * @param metrics The metrics, e.g. those shown and those judged.
 * @param explicit Directions given by the user, by metric.
 * @returns One goal per metric, in order.
 * @throws {RangeError} when `explicit` names a metric that is not in `metrics`.
 */
export function metricGoals(
  metrics: readonly string[],
  explicit: ReadonlyMap<string, Direction> = new Map(),
): MetricGoal[] {
  for (const metric of explicit.keys()) {
    if (!metrics.includes(metric)) {
      throw new RangeError(
        `Cannot give metric ${
          quoteForMessage(metric)
        } a direction: it is not one of the metrics`,
      );
    }
  }
  return metrics.map((metric) => {
    const given = explicit.get(metric);
    return given === undefined
      ? { metric, direction: inferDirection(metric), inferred: true }
      : { metric, direction: given, inferred: false };
  });
}
