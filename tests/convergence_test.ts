import assert from "node:assert/strict";
import {
  CONVERGENCE_RULE,
  convergenceProblem,
} from "../lib/review/convergence.ts";
import type { HistoryPoint } from "../lib/wandb/sampled_history.ts";
import type { Direction } from "../lib/review/metric_goals.ts";

/** A seeded uniform random number generator (mulberry32), for noise that is the same on every run. */
function uniformRandom(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let mixed = Math.imul(state ^ (state >>> 15), 1 | state);
    mixed = (mixed + Math.imul(mixed ^ (mixed >>> 7), 61 | mixed)) ^ mixed;
    return ((mixed ^ (mixed >>> 14)) >>> 0) / 4294967296;
  };
}

/** Standard normal noise from a uniform generator (Box–Muller). */
function normalRandom(seed: number): () => number {
  const uniform = uniformRandom(seed);
  return () =>
    Math.sqrt(-2 * Math.log(1 - uniform())) *
    Math.cos(2 * Math.PI * uniform());
}

/** How a curve is generated. */
interface CurveOptions {
  /** How many points, at steps 0, 1, 2, …; 100 unless given. */
  points?: number;
  /** The standard deviation of normal noise added to each value; none unless given. */
  noise?: number;
  /** The noise's seed. */
  seed?: number;
  /** `min` (a loss: the shape as it is) or `max` (an accuracy: 1 − the shape). */
  direction?: Direction;
}

/**
 * A curve from a loss-like shape, a function of the step: the shape itself
 * for a `min` metric, mirrored as 1 − shape for a `max` one, so that the same
 * shape improves (or not) in both directions.
 */
function curve(
  shape: (step: number) => number,
  options: CurveOptions = {},
): HistoryPoint[] {
  const { points = 100, noise = 0, seed = 1, direction = "min" } = options;
  const random = normalRandom(seed);
  return Array.from({ length: points }, (_, step) => {
    const value = shape(step) + noise * random();
    return { step, value: direction === "min" ? value : 1 - value };
  });
}

/** A fall to a floor: 0.3 + 0.9·e^(−step/τ). */
const exponentialFall = (timeConstant: number) => (step: number) =>
  0.3 + 0.9 * Math.exp(-step / timeConstant);

/** The points in a seeded random order. */
function shuffled<T>(items: readonly T[], seed: number): T[] {
  const random = uniformRandom(seed);
  const copy = [...items];
  for (let index = copy.length - 1; index > 0; index--) {
    const other = Math.floor(random() * (index + 1));
    [copy[index], copy[other]] = [copy[other], copy[index]];
  }
  return copy;
}

/** The kind of a verdict: the message up to its numbers, or "converged". */
function verdictKind(problem: string | undefined): string {
  return problem === undefined ? "converged" : problem.split(/:| \(/)[0];
}

const DIRECTIONS: readonly Direction[] = ["min", "max"];

Deno.test("convergenceProblem passes curves that converged", async (t) => {
  await t.step("an exponential fall to a floor, with 1% noise", () => {
    for (const direction of DIRECTIONS) {
      for (const points of [20, 100, 500]) {
        const fall = exponentialFall(points / 8);
        const fallen = curve(fall, { points, noise: 0.01, direction });
        assert.equal(
          convergenceProblem(fallen, direction),
          undefined,
          `${direction}, ${points} points`,
        );
      }
    }
  });

  await t.step(
    "an exponential fall with noise of 2% of the fall, for every seed",
    () => {
      for (const direction of DIRECTIONS) {
        for (const points of [20, 100, 500]) {
          for (let seed = 1; seed <= 50; seed++) {
            const fall = exponentialFall(points / 8);
            const noisy = curve(fall, {
              points,
              noise: 0.02 * 0.9,
              seed,
              direction,
            });
            assert.equal(
              convergenceProblem(noisy, direction),
              undefined,
              `${direction}, ${points} points, seed ${seed}`,
            );
          }
        }
      }
    },
  );

  await t.step(
    "an exponential fall with noise of 4% of the fall, from 100 points up",
    () => {
      for (const direction of DIRECTIONS) {
        for (const points of [100, 500]) {
          for (let seed = 1; seed <= 50; seed++) {
            const fall = exponentialFall(points / 8);
            const noisy = curve(fall, {
              points,
              noise: 0.04 * 0.9,
              seed,
              direction,
            });
            assert.equal(convergenceProblem(noisy, direction), undefined);
          }
        }
      }
    },
  );

  await t.step("a fall that converges, then one spike in the middle", () => {
    for (const direction of DIRECTIONS) {
      const spiked = curve(
        (step) => step === 50 ? 5 : exponentialFall(10)(step),
        { noise: 0.01, direction },
      );
      assert.equal(convergenceProblem(spiked, direction), undefined);
    }
  });

  await t.step("a loss that reaches 0 and stays there", () => {
    const points = curve((step) => Math.max(0, 1 - step / 30));
    assert.equal(points.at(-1)!.value, 0);
    assert.equal(convergenceProblem(points, "min"), undefined);
  });

  await t.step("an accuracy that reaches 1 and stays there", () => {
    const points = curve((step) => Math.max(0, 1 - step / 30), {
      direction: "max",
    });
    assert.equal(points.at(-1)!.value, 1);
    assert.equal(convergenceProblem(points, "max"), undefined);
  });

  await t.step("a fall sigmoid in shape: flat, falling, flat", () => {
    for (const direction of DIRECTIONS) {
      const sigmoid = curve(
        (step) => 0.3 + 0.9 / (1 + Math.exp((step - 30) / 4)),
        { noise: 0.005, direction },
      );
      assert.equal(convergenceProblem(sigmoid, direction), undefined);
    }
  });

  await t.step("a curve of exactly the fewest points", () => {
    const { minPoints } = CONVERGENCE_RULE;
    const short = curve(exponentialFall(1), { points: minPoints });
    assert.equal(convergenceProblem(short, "min"), undefined);
  });

  await t.step("steps spaced unevenly, sparser later", () => {
    const points = Array.from({ length: 60 }, (_, index) => {
      const step = index * index;
      return { step, value: exponentialFall(300)(step) };
    });
    assert.equal(convergenceProblem(points, "min"), undefined);
  });
});

Deno.test("convergenceProblem says why a curve did not converge", async (t) => {
  await t.step("flat from the start", () => {
    for (const direction of DIRECTIONS) {
      const flat = Array.from({ length: 50 }, (_, step) => ({
        step,
        value: 0.69,
      }));
      assert.equal(
        convergenceProblem(flat, direction),
        "is flat from the start (every value 0.69)",
      );
    }
    const ln2 = Array.from({ length: 50 }, (_, step) => ({
      step,
      value: Math.LN2,
    }));
    assert.equal(
      convergenceProblem(ln2, "min"),
      "is flat from the start (every value 0.693)",
    );
  });

  await t.step("flat with noise, for every seed", () => {
    const pattern =
      /^swings without a net improvement: its last quarter averages 0\.\d+ against 0\.\d+ at its start, and swings over 0\.0\d+$/;
    for (const direction of DIRECTIONS) {
      for (let seed = 1; seed <= 50; seed++) {
        const noisy = curve(() => 0.69, { noise: 0.01, seed, direction });
        const problem = convergenceProblem(noisy, direction);
        assert.notEqual(problem, undefined, `${direction}, seed ${seed}`);
        if (seed === 1) assert.match(problem!, pattern);
      }
    }
  });

  await t.step("a loss rising, an accuracy falling", () => {
    // The last quarter, steps 75 to 99, averages 0.5 + 0.5 × 87/99 = 0.939.
    const rising = curve((step) => 0.5 + (0.5 * step) / 99);
    assert.equal(
      convergenceProblem(rising, "min"),
      "is rising: its last quarter averages 0.939 against 0.5 at its start",
    );
    // Mirrored: 0.5 − 0.5 × 87/99 = 0.0606.
    const falling = curve((step) => 0.5 + (0.5 * step) / 99, {
      direction: "max",
    });
    assert.equal(
      convergenceProblem(falling, "max"),
      "is falling: its last quarter averages 0.0606 against 0.5 at its start",
    );
  });

  await t.step("a loss that grows exponentially, with noise", () => {
    for (const direction of DIRECTIONS) {
      const diverging = curve((step) => 0.7 + 0.01 * Math.exp(step / 15), {
        noise: 0.01,
        direction,
      });
      const worse = direction === "min" ? "rising" : "falling";
      assert.match(
        convergenceProblem(diverging, direction)!,
        new RegExp(`^is ${worse}: `),
      );
    }
  });

  await t.step(
    "a large sine around a constant, whatever its period and phase",
    () => {
      for (const direction of DIRECTIONS) {
        for (const period of [4, 7, 10, 16, 25, 33, 50]) {
          for (let phase = 0; phase < 2 * Math.PI; phase += Math.PI / 8) {
            const sine = curve(
              (step) =>
                0.69 + 0.3 * Math.sin((2 * Math.PI * step) / period + phase),
              { direction },
            );
            assert.notEqual(
              convergenceProblem(sine, direction),
              undefined,
              `${direction}, period ${period}, phase ${phase}`,
            );
          }
        }
      }
    },
  );

  await t.step("a sine with no net trend says it swings", () => {
    // Period 10 from phase 0: the start is 0.69, and steps 75 to 94 are two
    // whole periods, so the last quarter's mean is 0.69 + 0.3/25 × (sin 0 +
    // sin 1.2π + sin 1.4π + sin 1.6π + sin 1.8π) for steps 95 to 99: 0.653.
    const sine = curve((step) =>
      0.69 + 0.3 * Math.sin((2 * Math.PI * step) / 10)
    );
    assert.match(
      convergenceProblem(sine, "min")!,
      /^swings without a net improvement: its last quarter averages 0\.653 against 0\.69 at its start, and swings over 0\.\d+$/,
    );
  });

  await t.step("a NaN anywhere, named by the step of the first", () => {
    for (const direction of DIRECTIONS) {
      for (const bad of [40, 0, 99]) {
        const points = curve(exponentialFall(10), { direction }).map((point) =>
          point.step === bad || point.step === 70
            ? { ...point, value: NaN }
            : point
        );
        assert.equal(
          convergenceProblem(shuffled(points, bad), direction),
          `has a NaN at step ${Math.min(bad, 70)}`,
        );
      }
    }
  });

  await t.step("an infinite value, named with its sign and step", () => {
    for (const bad of [Infinity, -Infinity]) {
      const points = curve(exponentialFall(10)).map((point) =>
        point.step === 40 ? { ...point, value: bad } : point
      );
      assert.equal(
        convergenceProblem(points, "min"),
        `has ${bad} at step 40`,
      );
    }
  });

  await t.step("too few points", () => {
    const { minPoints } = CONVERGENCE_RULE;
    const points = curve(exponentialFall(1), { points: minPoints });
    assert.equal(
      convergenceProblem(points.slice(0, 3), "min"),
      `has only 3 points; at least ${minPoints} are needed`,
    );
    assert.equal(
      convergenceProblem(points.slice(0, 1), "min"),
      `has only 1 point; at least ${minPoints} are needed`,
    );
    assert.equal(
      convergenceProblem([], "max"),
      `has no points; at least ${minPoints} are needed`,
    );
    assert.equal(
      convergenceProblem(points.slice(0, minPoints - 1), "min"),
      `has only ${minPoints - 1} points; at least ${minPoints} are needed`,
    );
  });

  await t.step("a linear fall all the way", () => {
    // Steps 75 to 99 of 1 − step/99: the line falls by 24/99 = 0.242; the
    // quarter averages 1 − 87/99, so the whole fall is 87/99 = 0.879, and
    // 24/87 is 28% of it.
    const linear = curve((step) => 1 - step / 99);
    assert.equal(
      convergenceProblem(linear, "min"),
      "is still falling at the end: by 0.242 over its last quarter, 28% of its whole fall of 0.879",
    );
    const accuracy = curve((step) => 1 - step / 99, { direction: "max" });
    assert.equal(
      convergenceProblem(accuracy, "max"),
      "is still rising at the end: by 0.242 over its last quarter, 28% of its whole rise of 0.879",
    );
  });

  await t.step("a fall that turns back up at the end", () => {
    // (step − 50)²/2500 + 0.3: the start is 1.3; steps 75 to 99 average
    // 0.3 + 1421/2500 = 0.868, a fall of 0.432; a parabola's least-squares
    // slope over evenly spaced steps is its slope at their middle, step 87:
    // 74/2500 a step, 0.710 over 24 steps, 165% of the fall.
    const turning = (step: number) => 0.3 + (step - 50) ** 2 / 2500;
    assert.equal(
      convergenceProblem(curve(turning), "min"),
      "is rising again at the end: by 0.71 over its last quarter, 165% of its whole fall of 0.432",
    );
    assert.equal(
      convergenceProblem(curve(turning, { direction: "max" }), "max"),
      "is falling again at the end: by 0.71 over its last quarter, 165% of its whole rise of 0.432",
    );
  });

  await t.step("a fall whose end zigzags", () => {
    // Steps 75 to 99 alternate 0.1 (13 odd steps) and 0.5 (12 even ones),
    // symmetrically about step 87, so their line is flat at 7.3/25 = 0.292;
    // four standard deviations around it are 4 × √(0.9984/25) = 0.799, and
    // the fall from 1.2 is 0.908: 88% of it.
    const zigzag = (step: number) =>
      step < 75 ? exponentialFall(5)(step) : step % 2 === 1 ? 0.1 : 0.5;
    assert.equal(
      convergenceProblem(curve(zigzag), "min"),
      "is not settled at the end: its last quarter swings over 0.799 around its trend, 88% of its whole fall of 0.908",
    );
  });

  await t.step("a fall that gives most of it back, then flattens", () => {
    // From 1 down to 0.2 at step 40, back up to 0.9 by step 70, then flat.
    const giveBack = (step: number) =>
      step <= 40
        ? 1 - 0.02 * step
        : step <= 70
        ? 0.2 + (0.7 * (step - 40)) / 30
        : 0.9;
    assert.equal(
      convergenceProblem(curve(giveBack), "min"),
      "gives back most of its fall: it reached 0.2 at step 40, but its last quarter averages 0.9 against 1 at its start",
    );
    assert.equal(
      convergenceProblem(curve(giveBack, { direction: "max" }), "max"),
      "gives back most of its rise: it reached 0.8 at step 40, but its last quarter averages 0.1 against 0 at its start",
    );
  });

  await t.step("an exponential fall with noise of 20% of the fall", () => {
    for (const direction of DIRECTIONS) {
      for (const points of [100, 500]) {
        for (let seed = 1; seed <= 50; seed++) {
          const noisy = curve(exponentialFall(points / 8), {
            points,
            noise: 0.2 * 0.9,
            seed,
            direction,
          });
          assert.notEqual(convergenceProblem(noisy, direction), undefined);
        }
      }
    }
  });
});

Deno.test("convergenceProblem reads the curve as a whole", async (t) => {
  /** One of each shape, converged or not. */
  const shapes: ReadonlyArray<
    readonly [string, (step: number) => number, number]
  > = [
    ["exponential fall", exponentialFall(10), 0.01],
    ["flat", () => 0.69, 0],
    ["flat with noise", () => 0.69, 0.01],
    ["linear rise", (step) => 0.5 + step / 200, 0],
    ["linear fall", (step) => 1 - step / 99, 0],
    ["sine", (step) => 0.69 + 0.3 * Math.sin(step / 2), 0],
    ["turning back up", (step) => 0.3 + (step - 50) ** 2 / 2500, 0.005],
    ["spike", (step) => step === 50 ? 5 : exponentialFall(10)(step), 0.01],
  ];

  await t.step("sorts the points by step first", () => {
    for (const direction of DIRECTIONS) {
      for (const [name, shape, noise] of shapes) {
        const points = curve(shape, { noise, direction });
        assert.equal(
          convergenceProblem(shuffled(points, 7), direction),
          convergenceProblem(points, direction),
          name,
        );
      }
    }
  });

  await t.step(
    "gives the same verdict to a curve multiplied by 1000 or shifted by 100",
    () => {
      const expected = [
        "converged",
        "is flat from the start",
        "swings without a net improvement",
        "is rising",
        "is still falling at the end",
        "swings without a net improvement",
        "is rising again at the end",
        "converged",
      ];
      for (const [index, [name, shape, noise]] of shapes.entries()) {
        const points = curve(shape, { noise });
        const kinds = [
          points,
          points.map(({ step, value }) => ({ step, value: 1000 * value })),
          points.map(({ step, value }) => ({ step, value: value + 100 })),
        ].map((scaled) => verdictKind(convergenceProblem(scaled, "min")));
        assert.deepEqual(kinds, Array(3).fill(expected[index]), name);
      }
    },
  );

  await t.step("refuses a step that is not a finite number", () => {
    const points = [...curve(exponentialFall(10)), { step: NaN, value: 0.3 }];
    assert.throws(() => convergenceProblem(points, "min"), {
      name: "RangeError",
      message:
        "Cannot judge a curve's convergence: a point's step is NaN; steps must be finite numbers",
    });
  });
});
