import assert from "node:assert/strict";
import {
  groupStats,
  studentTTwoSidedP,
  welchTest,
} from "../lib/review/welch_test.ts";

/** Asserts that `actual` is within `tolerance`, relative to `expected`. */
function assertRelativelyClose(
  actual: number,
  expected: number,
  tolerance: number,
  what: string,
): void {
  const error = Math.abs(actual - expected) / Math.abs(expected);
  assert.ok(
    error <= tolerance,
    `${what}: got ${actual}, expected ${expected} (relative error ${error})`,
  );
}

/**
 * Upper critical values of Student's t distribution, three decimals, from
 * the NIST/SEMATECH e-Handbook of Statistical Methods, section 1.3.6.7.2
 * (https://www.itl.nist.gov/div898/handbook/eda/section3/eda3672.htm): the
 * row for `df` gives t with P(T > t) = 0.10, 0.05, 0.025, 0.01, 0.005, so a
 * two-sided p-value of twice that. The 0.001 column is left out: its df = 1
 * entry, 318.313, is not a rounding of the exact tan(0.499π) = 318.3088.
 */
const NIST_UPPER_TAILS = [0.10, 0.05, 0.025, 0.01, 0.005];
const NIST_CRITICAL_VALUES: ReadonlyArray<readonly [number, number[]]> = [
  [1, [3.078, 6.314, 12.706, 31.821, 63.657]],
  [2, [1.886, 2.920, 4.303, 6.965, 9.925]],
  [3, [1.638, 2.353, 3.182, 4.541, 5.841]],
  [4, [1.533, 2.132, 2.776, 3.747, 4.604]],
  [5, [1.476, 2.015, 2.571, 3.365, 4.032]],
  [6, [1.440, 1.943, 2.447, 3.143, 3.707]],
  [7, [1.415, 1.895, 2.365, 2.998, 3.499]],
  [8, [1.397, 1.860, 2.306, 2.896, 3.355]],
  [9, [1.383, 1.833, 2.262, 2.821, 3.250]],
  [10, [1.372, 1.812, 2.228, 2.764, 3.169]],
  [11, [1.363, 1.796, 2.201, 2.718, 3.106]],
  [12, [1.356, 1.782, 2.179, 2.681, 3.055]],
  [13, [1.350, 1.771, 2.160, 2.650, 3.012]],
  [14, [1.345, 1.761, 2.145, 2.624, 2.977]],
  [15, [1.341, 1.753, 2.131, 2.602, 2.947]],
  [16, [1.337, 1.746, 2.120, 2.583, 2.921]],
  [17, [1.333, 1.740, 2.110, 2.567, 2.898]],
  [18, [1.330, 1.734, 2.101, 2.552, 2.878]],
  [19, [1.328, 1.729, 2.093, 2.539, 2.861]],
  [20, [1.325, 1.725, 2.086, 2.528, 2.845]],
  [21, [1.323, 1.721, 2.080, 2.518, 2.831]],
  [22, [1.321, 1.717, 2.074, 2.508, 2.819]],
  [23, [1.319, 1.714, 2.069, 2.500, 2.807]],
  [24, [1.318, 1.711, 2.064, 2.492, 2.797]],
  [25, [1.316, 1.708, 2.060, 2.485, 2.787]],
  [26, [1.315, 1.706, 2.056, 2.479, 2.779]],
  [27, [1.314, 1.703, 2.052, 2.473, 2.771]],
  [28, [1.313, 1.701, 2.048, 2.467, 2.763]],
  [29, [1.311, 1.699, 2.045, 2.462, 2.756]],
  [30, [1.310, 1.697, 2.042, 2.457, 2.750]],
  [40, [1.303, 1.684, 2.021, 2.423, 2.704]],
  [60, [1.296, 1.671, 2.000, 2.390, 2.660]],
  [100, [1.290, 1.660, 1.984, 2.364, 2.626]],
];
/** The table's last row, df = ∞: the normal distribution's critical values. */
const NIST_NORMAL_ROW = [1.282, 1.645, 1.960, 2.326, 2.576];

/**
 * Asserts that a critical value printed to three decimals is the rounding
 * of the exact one: the p-value half a unit of the last digit below it is
 * above the level, and half a unit above it, below.
 */
function assertCriticalValue(
  criticalValue: number,
  df: number,
  twoSidedLevel: number,
): void {
  const below = studentTTwoSidedP(criticalValue - 0.0005, df);
  const above = studentTTwoSidedP(criticalValue + 0.0005, df);
  assert.ok(
    below > twoSidedLevel && twoSidedLevel > above,
    `df ${df}, t ${criticalValue}: p ${below}..${above} should straddle ${twoSidedLevel}`,
  );
}

/**
 * The two-sided p-value for an integer `df`, independently of the
 * incomplete beta function, from Abramowitz and Stegun, Handbook of
 * Mathematical Functions, 26.7.3 (odd df) and 26.7.4 (even df), with
 * θ = atan(|t|/√df).
 *
 * For |t| < 1 it is 1 − A(t|df), A their finite sums. For larger |t|, where
 * 1 − A would cancel, it is the rest of the infinite series whose first
 * terms are A's sums: for even df, sin θ Σ_{k≥df/2} c_k cos^{2k} θ with
 * c_k = (2k−1)!!/(2k)!!, since Σ_{k≥0} c_k cos^{2k} θ = 1/sin θ (the
 * binomial series); for odd df, (2/π) sin θ Σ_{k≥(df−1)/2} d_k cos^{2k+1} θ
 * with d_k = (2k)!!/(2k+1)!!, since the whole series is
 * arcsin(cos θ)/sin θ = (π/2 − θ)/sin θ.
 */
function abramowitzStegunP(t: number, df: number): number {
  const theta = Math.atan(Math.abs(t) / Math.sqrt(df));
  const sin = Math.sin(theta);
  const cos = Math.cos(theta);
  const even = df % 2 === 0;
  if (Math.abs(t) < 1) {
    let sum = 0;
    if (even) {
      for (let k = 0, term = 1; k < df / 2; k++) {
        sum += term;
        term *= ((2 * k + 1) / (2 * k + 2)) * cos * cos;
      }
      return 1 - sin * sum;
    }
    for (let k = 0, term = cos; k < (df - 1) / 2; k++) {
      sum += term;
      term *= ((2 * k + 2) / (2 * k + 3)) * cos * cos;
    }
    return 1 - (2 / Math.PI) * (theta + sin * sum);
  }
  let term = even ? 1 : cos;
  const first = even ? df / 2 : (df - 1) / 2;
  for (let k = 0; k < first; k++) {
    term *= even
      ? ((2 * k + 1) / (2 * k + 2)) * cos * cos
      : ((2 * k + 2) / (2 * k + 3)) * cos * cos;
  }
  let rest = 0;
  for (let k = first; term > rest * 1e-18; k++) {
    rest += term;
    term *= even
      ? ((2 * k + 1) / (2 * k + 2)) * cos * cos
      : ((2 * k + 2) / (2 * k + 3)) * cos * cos;
  }
  return even ? sin * rest : (2 / Math.PI) * sin * rest;
}

/** t values from tiny to huge, both signs. */
const T_VALUES = [
  1e-12,
  1e-6,
  0.001,
  0.05,
  0.3,
  0.7,
  1,
  1.5,
  2,
  3,
  4.5,
  7,
  12,
  30,
  100,
  1e3,
  1e5,
  1e8,
].flatMap((t) => [t, -t]);

Deno.test("studentTTwoSidedP", async (t) => {
  await t.step("matches every critical value of NIST's t table", () => {
    for (const [df, criticalValues] of NIST_CRITICAL_VALUES) {
      criticalValues.forEach((criticalValue, column) =>
        assertCriticalValue(criticalValue, df, 2 * NIST_UPPER_TAILS[column])
      );
    }
  });

  await t.step(
    "matches the table's normal row (df = ∞) with a million degrees of freedom",
    () => {
      NIST_NORMAL_ROW.forEach((criticalValue, column) =>
        assertCriticalValue(criticalValue, 1e6, 2 * NIST_UPPER_TAILS[column])
      );
    },
  );

  await t.step("matches 1.962, the 5% value of tables' df = 1000 row", () => {
    assertCriticalValue(1.962, 1000, 0.05);
  });

  await t.step(
    "gives the Cauchy distribution's 1 − 2·atan(|t|)/π for df = 1",
    () => {
      for (const value of T_VALUES) {
        // 1 − 2·atan(|t|)/π, written as 2·atan(1/|t|)/π so that it keeps its digits for large t.
        const expected = (2 / Math.PI) * Math.atan(1 / Math.abs(value));
        assertRelativelyClose(
          studentTTwoSidedP(value, 1),
          expected,
          1e-10,
          `t ${value}`,
        );
      }
    },
  );

  await t.step("gives 1 − |t|/√(2 + t²) for df = 2", () => {
    for (const value of T_VALUES) {
      const root = Math.sqrt(2 + value * value);
      // 1 − |t|/√(2+t²), written as 2/((√(2+t²) + |t|)·√(2+t²)) so that it keeps its digits for large t.
      const expected = 2 / ((root + Math.abs(value)) * root);
      assertRelativelyClose(
        studentTTwoSidedP(value, 2),
        expected,
        1e-10,
        `t ${value}`,
      );
    }
  });

  await t.step(
    "matches Abramowitz and Stegun's sums for df from 1 to 60",
    () => {
      for (let df = 1; df <= 60; df++) {
        for (const value of T_VALUES.filter((value) => Math.abs(value) < 1e3)) {
          const expected = abramowitzStegunP(value, df);
          if (expected < 1e-300) continue; // beyond a double's range
          assertRelativelyClose(
            studentTTwoSidedP(value, df),
            expected,
            1e-10,
            `df ${df}, t ${value}`,
          );
        }
      }
    },
  );

  await t.step(
    "falls between the neighbouring integers' values for a non-integer df",
    () => {
      // The tails get lighter as df grows, for every t.
      for (const df of [1.5, 2.5, 4.7, 9.99, 17.776, 24.5]) {
        for (const value of [0.01, 0.5, 1, 2, 3, 10, 100]) {
          const heavier = abramowitzStegunP(value, Math.floor(df));
          const lighter = abramowitzStegunP(value, Math.ceil(df));
          const p = studentTTwoSidedP(value, df);
          assert.ok(
            lighter < p && p < heavier,
            `df ${df}, t ${value}: ${p} should lie between ${lighter} and ${heavier}`,
          );
        }
      }
      for (const value of [0.01, 1, 100]) {
        assert.ok(studentTTwoSidedP(value, 0.5) > abramowitzStegunP(value, 1));
      }
    },
  );

  await t.step("is the same for t and −t", () => {
    for (const df of [0.3, 1, 2.5, 7, 30, 1e4]) {
      for (const value of T_VALUES) {
        assert.equal(
          studentTTwoSidedP(-value, df),
          studentTTwoSidedP(value, df),
        );
      }
    }
  });

  await t.step("decreases as |t| grows, from 1 at t = 0", () => {
    for (const df of [0.3, 1, 2.5, 7, 30, 1e4]) {
      let previous = studentTTwoSidedP(0, df);
      assert.equal(previous, 1);
      for (let value = 0.01; value <= 60; value *= 1.05) {
        const p = studentTTwoSidedP(value, df);
        assert.ok(
          p < previous || p === 0,
          `df ${df}: p(${value}) = ${p} is not below ${previous}`,
        );
        assert.ok(p >= 0 && p <= 1);
        previous = p;
      }
    }
  });

  await t.step("is 0 for an infinite t and NaN for a NaN t", () => {
    assert.equal(studentTTwoSidedP(Infinity, 3), 0);
    assert.equal(studentTTwoSidedP(-Infinity, 3), 0);
    assert.ok(Number.isNaN(studentTTwoSidedP(NaN, 3)));
  });

  await t.step(
    "refuses degrees of freedom that are not positive and finite",
    () => {
      for (const df of [0, -1, NaN, Infinity]) {
        assert.throws(() => studentTTwoSidedP(2, df), {
          name: "RangeError",
          message:
            `Cannot compute a p-value with ${df} degrees of freedom: expected a positive finite number`,
        });
      }
    },
  );
});

Deno.test("groupStats", async (t) => {
  await t.step("gives the mean and the n − 1 standard deviation", () => {
    // Deviations from the mean 5: −3, −1, −1, −1, 0, 0, 2, 4; their squares add up to 32.
    assert.deepEqual(groupStats([2, 4, 4, 4, 5, 5, 7, 9]), {
      mean: 5,
      sd: Math.sqrt(32 / 7),
      n: 8,
    });
  });

  await t.step("gives a standard deviation of 0 for one value", () => {
    assert.deepEqual(groupStats([0.693]), { mean: 0.693, sd: 0, n: 1 });
  });

  await t.step("gives equal values exactly their value and no spread", () => {
    // 0.1 + 0.1 + 0.1 is 0.30000000000000004: a mean by sum would be off.
    assert.deepEqual(groupStats([0.1, 0.1, 0.1]), { mean: 0.1, sd: 0, n: 3 });
  });

  await t.step("keeps its digits for values far from 0", () => {
    const { mean, sd } = groupStats([1e9 + 1, 1e9 + 2, 1e9 + 3]);
    assert.equal(mean, 1e9 + 2);
    assertRelativelyClose(sd, 1, 1e-9, "sd");
  });

  await t.step("refuses an empty group", () => {
    assert.throws(() => groupStats([]), {
      name: "RangeError",
      message:
        "Cannot summarise a group of values: it is empty; at least one value is needed",
    });
  });
});

/**
 * Data sets and p-values of the Rosetta Code task "Welch's t-test"
 * (https://rosettacode.org/wiki/Welch%27s_t-test), whose expected p-values
 * were computed with R's `t.test`. The first pair is Example 1 of
 * Wikipedia's "Welch's t-test" article.
 */
const ROSETTA_CODE_CASES: ReadonlyArray<
  readonly [number[], number[], number]
> = [
  [
    [
      27.5,
      21.0,
      19.0,
      23.6,
      17.0,
      17.9,
      16.9,
      20.1,
      21.9,
      22.6,
      23.1,
      19.6,
      19.0,
      21.7,
      21.4,
    ],
    [
      27.1,
      22.0,
      20.8,
      23.4,
      23.4,
      23.5,
      25.8,
      22.0,
      24.8,
      20.2,
      21.9,
      22.1,
      22.9,
      20.5,
      24.4,
    ],
    0.021378001462867,
  ],
  [
    [17.2, 20.9, 22.6, 18.1, 21.7, 21.4, 23.5, 24.2, 14.7, 21.8],
    [
      21.5,
      22.8,
      21.0,
      23.0,
      21.6,
      23.6,
      22.5,
      20.7,
      23.4,
      21.8,
      20.7,
      21.7,
      21.5,
      22.5,
      23.6,
      21.5,
      22.5,
      23.5,
      21.5,
      21.8,
    ],
    0.148841696605327,
  ],
  [
    [19.8, 20.4, 19.6, 17.8, 18.5, 18.9, 18.3, 18.9, 19.5, 22.0],
    [
      28.2,
      26.6,
      20.1,
      23.3,
      25.2,
      22.1,
      17.7,
      27.6,
      20.6,
      13.7,
      23.2,
      17.5,
      20.6,
      18.0,
      23.9,
      21.6,
      24.3,
      20.4,
      24.0,
      13.2,
    ],
    0.0359722710297968,
  ],
  [
    [30.02, 29.99, 30.11, 29.97, 30.01, 29.99],
    [29.89, 29.93, 29.72, 29.98, 30.02, 29.98],
    0.090773324285671,
  ],
  [[3.0, 4.0, 1.0, 2.1], [490.2, 340.0, 433.9], 0.0107515611497845],
  [
    [0.010268, 0.000167, 0.000167],
    [0.159258, 0.136278, 0.122389],
    0.00339907162713746,
  ],
  [[1.0 / 15, 10.0 / 62.0], [1.0 / 10, 2 / 50.0], 0.52726574965384],
  [
    [9 / 23.0, 21 / 45.0, 0 / 38.0],
    [0 / 44.0, 42 / 94.0, 0 / 22.0],
    0.545266866977794,
  ],
];

/** R's `sleep` data set, extra hours of sleep on two drugs (R's `t.test` help page example). */
const SLEEP_DRUG_1 = [0.7, -1.6, -0.2, -1.2, -0.1, 3.4, 3.7, 0.8, 0.0, 2.0];
const SLEEP_DRUG_2 = [1.9, 0.8, 1.1, 0.1, -0.1, 4.4, 5.5, 1.6, 4.6, 3.4];

Deno.test("welchTest", async (t) => {
  await t.step("matches R's t.test(extra ~ group, data = sleep)", () => {
    // R prints: t = -1.8608, df = 17.776, p-value = 0.07939;
    // mean in group 1 0.75, mean in group 2 2.33.
    const result = welchTest(SLEEP_DRUG_1, SLEEP_DRUG_2)!;
    assert.ok(Math.abs(result.t - -1.8608) <= 0.00005, `t ${result.t}`);
    assert.ok(Math.abs(result.df - 17.776) <= 0.0005, `df ${result.df}`);
    assert.ok(
      Math.abs(result.pValue - 0.07939) <= 0.000005,
      `p ${result.pValue}`,
    );
    assertRelativelyClose(result.candidates.mean, 0.75, 1e-12, "mean 1");
    assertRelativelyClose(result.baselines.mean, 2.33, 1e-12, "mean 2");
    assert.equal(result.candidates.n, 10);
  });

  await t.step("matches Rosetta Code's p-values, computed with R", () => {
    for (
      const [index, [first, second, expected]] of ROSETTA_CODE_CASES.entries()
    ) {
      assertRelativelyClose(
        welchTest(first, second)!.pValue,
        expected,
        1e-9,
        `data set ${index + 1}`,
      );
    }
  });

  await t.step(
    "is Student's test when the groups have equal sizes and spreads",
    () => {
      // Both sample variances are 1: the pooled standard error is √(1/3 + 1/3).
      const result = welchTest([1, 2, 3], [4, 5, 6])!;
      assertRelativelyClose(result.t, -3 / Math.sqrt(2 / 3), 1e-12, "t");
      assertRelativelyClose(result.df, 4, 1e-12, "df");
      assertRelativelyClose(
        result.pValue,
        abramowitzStegunP(-3 / Math.sqrt(2 / 3), 4),
        1e-10,
        "p",
      );
    },
  );

  await t.step("negates t when the groups are swapped, and keeps p", () => {
    for (const [first, second] of ROSETTA_CODE_CASES) {
      const forward = welchTest(first, second)!;
      const backward = welchTest(second, first)!;
      assert.equal(backward.t, -forward.t);
      assert.equal(backward.df, forward.df);
      assert.equal(backward.pValue, forward.pValue);
    }
  });

  await t.step("does not change when every value is shifted or scaled", () => {
    const plain = welchTest(SLEEP_DRUG_1, SLEEP_DRUG_2)!;
    const moved = welchTest(
      SLEEP_DRUG_1.map((value) => 1000 * value + 100),
      SLEEP_DRUG_2.map((value) => 1000 * value + 100),
    )!;
    assertRelativelyClose(moved.t, plain.t, 1e-9, "t");
    assertRelativelyClose(moved.df, plain.df, 1e-9, "df");
    assertRelativelyClose(moved.pValue, plain.pValue, 1e-9, "p");
  });

  await t.step("keeps its degrees of freedom for tiny and huge spreads", () => {
    // Squared twice, variances of 1e-240 or 1e240 would under- or overflow.
    for (const scale of [1e-120, 1e120]) {
      const result = welchTest(
        [1, 2, 3].map((value) => value * scale),
        [4, 5, 6].map((value) => value * scale),
      )!;
      assertRelativelyClose(result.t, -3 / Math.sqrt(2 / 3), 1e-12, "t");
      assertRelativelyClose(result.df, 4, 1e-12, "df");
    }
  });

  await t.step(
    "gives t = 0 and p = 1 for two groups of one and the same value",
    () => {
      assert.deepEqual(welchTest([0.5, 0.5, 0.5], [0.5, 0.5]), {
        candidates: { mean: 0.5, sd: 0, n: 3 },
        baselines: { mean: 0.5, sd: 0, n: 2 },
        t: 0,
        df: 3,
        pValue: 1,
      });
    },
  );

  await t.step(
    "gives t = ±Infinity and p = 0 for two groups of different constant values",
    () => {
      assert.deepEqual(welchTest([0.4, 0.4], [0.5, 0.5, 0.5]), {
        candidates: { mean: 0.4, sd: 0, n: 2 },
        baselines: { mean: 0.5, sd: 0, n: 3 },
        t: -Infinity,
        df: 3,
        pValue: 0,
      });
      const higher = welchTest([0.6, 0.6], [0.5, 0.5])!;
      assert.equal(higher.t, Infinity);
      assert.equal(higher.pValue, 0);
    },
  );

  await t.step(
    "is a one-sample test against a group without spread",
    () => {
      // Against a constant, only the candidates vary: t = (mean − 5)/(sd/√n), df = n − 1.
      const candidates = [1, 2, 3, 4];
      const result = welchTest(candidates, [5, 5, 5])!;
      const expectedT = (2.5 - 5) / (Math.sqrt(5 / 3) / 2);
      assertRelativelyClose(result.t, expectedT, 1e-12, "t");
      assert.equal(result.df, 3);
      assertRelativelyClose(
        result.pValue,
        abramowitzStegunP(expectedT, 3),
        1e-10,
        "p",
      );
      const swapped = welchTest([5, 5, 5], candidates)!;
      assert.equal(swapped.df, 3);
      assertRelativelyClose(swapped.t, -expectedT, 1e-12, "t swapped");
    },
  );

  await t.step("needs at least two values in each group", () => {
    assert.equal(welchTest([0.5], [0.4, 0.45]), undefined);
    assert.equal(welchTest([0.5, 0.55], [0.4]), undefined);
    assert.equal(welchTest([], []), undefined);
  });

  await t.step("needs every value to be a finite number", () => {
    for (const bad of [NaN, Infinity, -Infinity]) {
      assert.equal(welchTest([0.5, bad, 0.55], [0.4, 0.45]), undefined);
      assert.equal(welchTest([0.5, 0.55], [0.4, 0.45, bad]), undefined);
    }
  });
});
