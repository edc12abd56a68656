import assert from "node:assert/strict";
import { type Direction, inferDirection } from "../lib/review/metric_goals.ts";

/** Metric names as frameworks log them, with the direction each improves in. */
const LOGGED_NAMES: ReadonlyArray<readonly [string, Direction]> = [
  // Keras: `model.fit` history and callbacks.
  ["loss", "min"],
  ["val_loss", "min"],
  ["accuracy", "max"],
  ["val_accuracy", "max"],
  ["sparse_categorical_accuracy", "max"],
  ["binary_crossentropy", "min"],
  ["sparse_categorical_crossentropy", "min"],
  ["kl_divergence", "min"],
  ["mean_absolute_percentage_error", "min"],
  ["mean_squared_logarithmic_error", "min"],
  ["squared_hinge", "min"],
  ["logcosh", "min"],
  ["cosine_similarity", "max"],
  ["false_positives", "min"],
  ["true_positives", "max"],
  ["mean_iou", "max"],
  ["lr", "max"],
  // PyTorch Lightning, torchmetrics, timm.
  ["train_loss_step", "min"],
  ["valLoss", "min"],
  ["val_acc", "max"],
  ["epoch", "max"],
  ["top1_error", "min"],
  ["top1_err", "min"],
  ["top5_acc", "max"],
  ["lr-Adam", "max"],
  ["val_MeanSquaredError", "min"],
  ["test_MulticlassAccuracy", "max"],
  ["BinaryCrossEntropy", "min"],
  ["NLLLoss", "min"],
  ["FrechetInceptionDistance", "min"],
  ["LearnedPerceptualImagePatchSimilarity", "min"],
  ["ms_ssim", "max"],
  ["psnr", "max"],
  ["val/iou", "max"],
  ["dice", "max"],
  ["dice_loss", "min"],
  ["lossScale", "max"],
  ["loss_scale", "max"],
  ["samples/sec", "max"],
  // Hugging Face Trainer and evaluate.
  ["train/loss", "min"],
  ["eval_loss", "min"],
  ["eval/loss", "min"],
  ["eval_runtime", "min"],
  ["train_runtime", "min"],
  ["eval_samples_per_second", "max"],
  ["eval_steps_per_second", "max"],
  ["train_samples_per_second", "max"],
  ["train_steps_per_second", "max"],
  ["grad_norm", "max"],
  ["learning_rate", "max"],
  ["eval_accuracy", "max"],
  ["eval_wer", "min"],
  ["wer", "min"],
  ["cer", "min"],
  ["ter", "min"],
  ["bleu", "max"],
  ["eval_bleu", "max"],
  ["rouge1", "max"],
  ["rougeL", "max"],
  ["eval_rougeLsum", "max"],
  ["perplexity", "min"],
  ["eval/perplexity", "min"],
  ["ppl", "min"],
  ["val_answer_f1", "max"],
  ["exact_match", "max"],
  // lm-evaluation-harness.
  ["acc,none", "max"],
  ["acc_stderr,none", "min"],
  ["word_perplexity,none", "min"],
  ["bits_per_byte,none", "min"],
  // scikit-learn metric functions and scorers.
  ["mean_squared_error", "min"],
  ["neg_mean_squared_error", "max"],
  ["neg_root_mean_squared_error", "max"],
  ["test_neg_mean_absolute_error", "max"],
  ["neg_log_loss", "max"],
  ["log_loss", "min"],
  ["neg_brier_score", "max"],
  ["brier_score_loss", "min"],
  ["d2_absolute_error_score", "max"],
  ["hamming_loss", "min"],
  ["zero_one_loss", "min"],
  ["mean_poisson_deviance", "min"],
  ["r2", "max"],
  ["explained_variance", "max"],
  ["f1_macro", "max"],
  ["roc_auc", "max"],
  ["balanced_accuracy", "max"],
  ["mae", "min"],
  ["rmse", "min"],
  ["davies_bouldin_score", "min"],
  ["silhouette_score", "max"],
  // XGBoost and LightGBM evaluation results.
  ["validation_0-logloss", "min"],
  ["validation_1-mlogloss", "min"],
  ["poisson-nloglik", "min"],
  ["valid_0_l2", "min"],
  ["binary_error", "min"],
  ["auc", "max"],
  // Object detection (Ultralytics, detectron2).
  ["mAP50-95", "max"],
  ["metrics/mAP50(B)", "max"],
  ["metrics/mAP50-95(B)", "max"],
  ["train/box_loss", "min"],
  ["bbox/APs", "max"],
  ["fast_rcnn/false_negative", "min"],
  ["data_time", "min"],
  ["eta_seconds", "min"],
  // Generative models.
  ["fid", "min"],
  ["inception_score", "max"],
  ["bits_per_dim", "min"],
  ["nll", "min"],
  ["negative_log_likelihood", "min"],
  // Reinforcement learning (Stable-Baselines3, CleanRL).
  ["episode_reward", "max"],
  ["rollout/ep_rew_mean", "max"],
  ["ep_len_mean", "max"],
  ["lifetime_reward", "max"],
  ["train/value_loss", "min"],
  ["train/entropy_loss", "min"],
  ["losses/entropy", "max"],
  ["losses/explained_variance", "max"],
  ["train/approx_kl", "min"],
  ["time/fps", "max"],
  ["time/time_elapsed", "min"],
  ["charts/SPS", "max"],
  ["regret", "min"],
  // Retrieval and ranking.
  ["recall@10", "max"],
  ["ndcg@10", "max"],
  ["mrr", "max"],
  ["mean_reciprocal_rank", "max"],
  ["image_to_text_mean_rank", "min"],
  ["hit_rate", "max"],
  // Classification rates and verification.
  ["false_positive_rate", "min"],
  ["fpr95", "min"],
  ["eer", "min"],
  ["miss_rate", "min"],
  ["expected_calibration_error", "min"],
  // Speed, latency and systems.
  ["p95_latency_ms", "min"],
  ["latency_p99", "min"],
  ["epoch_time", "min"],
  ["step_time_ms", "min"],
  ["seconds_per_step", "min"],
  ["tokens_per_sec", "max"],
  ["it/s", "max"],
  ["fps", "max"],
  ["throughput", "max"],
  ["ttft_ms", "min"],
  ["_runtime", "min"],
  ["power", "max"],
  ["answer_accuracy", "max"],
  // Written by hand in W&B examples.
  ["Validation Loss", "min"],
  ["Test Accuracy", "max"],
];

Deno.test("directions of names as frameworks log them", async (t) => {
  for (const [metric, direction] of LOGGED_NAMES) {
    await t.step(`${metric} is ${direction}`, () => {
      assert.equal(
        inferDirection(metric),
        direction,
        `${metric} should be ${direction}`,
      );
    });
  }
});

Deno.test("a word that only ends in a lower-is-better word is not one", () => {
  // The four names from issue 8: "answer" and "power" end in "wer",
  // "lifetime" ends in "time".
  for (
    const metric of [
      "answer_accuracy",
      "val_answer_f1",
      "power",
      "lifetime_reward",
    ]
  ) {
    assert.equal(inferDirection(metric), "max", metric);
  }
});

Deno.test("a name reads the same whichever separators and case it uses", () => {
  for (
    const metric of [
      "val_loss",
      "val.loss",
      "val-loss",
      "val/loss",
      "val loss",
      "valLoss",
      "ValLoss",
      "VAL_LOSS",
      "cross_entropy",
      "cross-entropy",
      "crossEntropy",
      "CrossEntropy",
      "crossentropy",
      "val_MSE",
      "valMSE",
      "MSELoss",
    ]
  ) {
    assert.equal(inferDirection(metric), "min", metric);
  }
});

Deno.test("a run-together name is not guessed at", () => {
  for (const metric of ["valloss", "trainerror", "steptime"]) {
    assert.equal(inferDirection(metric), "max", metric);
  }
});

Deno.test("a rate is higher-is-better even though it names a time unit", () => {
  for (
    const metric of [
      "samples_per_second",
      "tokens_per_s",
      "bits_per_second",
      "img/s",
      "time/fps",
      "qps",
    ]
  ) {
    assert.equal(inferDirection(metric), "max", metric);
  }
  for (
    const metric of [
      "time_per_token",
      "ms_per_step",
      "latency/ms",
      "batch_ms",
      "epoch_seconds",
    ]
  ) {
    assert.equal(inferDirection(metric), "min", metric);
  }
});

Deno.test("neg and d2 turn the lower-is-better word after them around", () => {
  for (
    const metric of [
      "neg_mean_squared_error",
      "mean_test_neg_log_loss",
      "neg_mean_gamma_deviance",
      "d2_absolute_error_score",
    ]
  ) {
    assert.equal(inferDirection(metric), "max", metric);
  }
  for (const metric of ["neg_log_likelihood", "negloglik", "nll_loss"]) {
    assert.equal(inferDirection(metric), "min", metric);
  }
});
