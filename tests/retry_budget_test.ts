/**
 * The time budget of a request covers the attempts themselves, not only the
 * waits between them, and no server-asked wait past the cap is waited.
 */
import assert from "node:assert/strict";
import { type AttemptOutcome, retryWithBackoff } from "../lib/http/retry.ts";
import { postGraphql } from "../lib/wandb/graphql_transport.ts";
import { WandbError } from "../lib/errors.ts";
import { DEMO_API_KEY } from "../testing/fake_wandb/sample_data.ts";
import { startFakeWandb } from "../testing/fake_wandb/server.ts";

/** A simulated clock: waits and attempts advance it. */
function simulatedClock() {
  let time = 0;
  return {
    now: () => time,
    advance: (ms: number) => void (time += ms),
    sleep: (ms: number) => {
      time += ms;
      return Promise.resolve();
    },
  };
}

Deno.test("a server that never answers is given up on within the 120 s budget, attempts included", async () => {
  const clock = simulatedClock();
  const timeouts: number[] = [];
  // Each attempt hangs until its timeout: 30 s, or what is left of the budget.
  const hang = (_attempt: number, remainingMs: number) => {
    const timeoutMs = Math.min(30_000, remainingMs);
    timeouts.push(timeoutMs);
    clock.advance(timeoutMs);
    return Promise.resolve<AttemptOutcome<never, string>>({
      ok: false,
      retryable: true,
      failure: "no answer",
    });
  };
  await assert.rejects(
    retryWithBackoff(hang, {
      maxAttempts: 5,
      maxTotalMs: 120_000,
      now: clock.now,
      sleep: clock.sleep,
      random: () => 0,
      giveUp: (failure, reason) =>
        new Error(`${failure} (${reason.kind}, ${reason.attempts})`),
    }),
    /^Error: no answer \(time, 4\)$/,
  );
  // 30 + 2 + 30 + 4 + 30 + 8 = 104 s, then a last attempt of the 16 s left.
  assert.deepEqual(timeouts, [30_000, 30_000, 30_000, 16_000]);
  assert.equal(clock.now(), 120_000);
});

Deno.test("a wait asked for past 60 s is not waited, however much budget is left", async () => {
  const clock = simulatedClock();
  let attempts = 0;
  await assert.rejects(
    retryWithBackoff(() => {
      attempts++;
      return Promise.resolve<AttemptOutcome<never, string>>({
        ok: false,
        retryable: true,
        retryAfterMs: 61_000,
        failure: "rate limited",
      });
    }, {
      maxAttempts: 5,
      maxTotalMs: 600_000,
      now: clock.now,
      sleep: clock.sleep,
      giveUp: (failure, reason) =>
        new Error(`${failure} (${reason.kind} ${reason.attempts})`),
    }),
    /^Error: rate limited \(wait 1\)$/,
  );
  assert.equal(attempts, 1);
  assert.equal(clock.now(), 0);
});

Deno.test("W&B hanging every time: the last attempt is cut to the budget left", async () => {
  const fake = startFakeWandb({ projects: [], apiKeys: [DEMO_API_KEY] });
  fake.failNext(...Array(5).fill({ kind: "hang" }));
  // Waits are simulated; attempts take real time. 1.5 s timeouts and a 4.6 s
  // budget: 1.5 s, a 2 s wait, then only 1.1 s are left for the second.
  let waited = 0;
  const started = performance.now();
  const elapsed = () => waited + performance.now() - started;
  try {
    const error = await postGraphql(
      { query: "query { viewer { id } }", variables: {} },
      {
        baseUrl: fake.url,
        apiKey: DEMO_API_KEY,
        timeoutMs: 1_500,
        maxTotalMs: 4_600,
        now: () => Date.now() + waited,
        sleep: (ms) => {
          waited += ms;
          return Promise.resolve();
        },
        random: () => 0,
      },
    ).then(() => undefined, (caught: unknown) => caught);
    assert.ok(error instanceof WandbError, String(error));
    assert.match(
      error.message,
      /^W&B did not finish its request within 1(\.[01])? s .*gave up after 2 attempts/,
    );
    const total = elapsed();
    // Before, the second attempt took its full 1.5 s: 5 s in all.
    assert.ok(total <= 4_600 + 150, `took ${Math.round(total)} ms`);
    assert.equal(fake.requests.length, 2);
  } finally {
    await fake.close();
  }
});
