import assert from "node:assert/strict";
import { appUrlFor, runUrl } from "../lib/wandb/run_url.ts";

Deno.test("the app URL is derived from the API base URL", () => {
  assert.equal(appUrlFor("https://api.wandb.ai"), "https://wandb.ai");
  assert.equal(
    appUrlFor("https://api.acme.wandb.io"),
    "https://app.acme.wandb.io",
  );
  assert.equal(appUrlFor("https://wandb.acme.corp"), "https://wandb.acme.corp");
  assert.equal(appUrlFor("http://127.0.0.1:8080"), "http://127.0.0.1:8080");
});

Deno.test("run URLs percent-encode each segment", () => {
  assert.equal(
    runUrl("https://wandb.ai", {
      entity: "github",
      project: "predict-issue-labels",
      runId: "e6lo523p",
    }),
    "https://wandb.ai/github/predict-issue-labels/runs/e6lo523p",
  );
  assert.equal(
    runUrl("https://wandb.ai", {
      entity: "my team",
      project: "a/b",
      runId: "x?y",
    }),
    "https://wandb.ai/my%20team/a%2Fb/runs/x%3Fy",
  );
});
