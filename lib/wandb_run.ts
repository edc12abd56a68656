import { z } from "zod";
import { parseExactJson } from "./exact_json.ts";

/** A W&B run, as the rest of the program sees it. */
export interface WandbRun {
  /** The run id, the 8-character name seen in run URLs (`e6lo523p`). */
  runId: string;
  /** The human name (`dashing-leaf-4`). */
  displayName: string;
  /** The run's state in lower case: `finished`, `running`, `crashed`, `killed`, ... */
  state: string;
  /** The run's tags. */
  tags: string[];
  /** The run's description, or `null`. */
  description: string | null;
  /** When the run was created, ISO-8601 in UTC. */
  createdAt: string;
  /** Config values, unwrapped from W&B's `{"value": ...}`. */
  config: Record<string, unknown>;
  /** Summary metrics: the last logged values (integers past 2^53 as `bigint`). */
  summary: Record<string, unknown>;
}

function jsonObjectString(field: string) {
  return z.string().transform((text, context) => {
    try {
      const value = parseExactJson(text);
      if (
        typeof value === "object" && value !== null && !Array.isArray(value)
      ) {
        return value as Record<string, unknown>;
      }
    } catch {
      // reported below
    }
    context.addIssue({
      code: "custom",
      message: `expected ${field} to be a JSON object in a string`,
    });
    return z.NEVER;
  });
}

const timestamp = z.string().transform((text, context) => {
  const hasOffset = /(Z|[+-]\d\d:?\d\d)$/i.test(text);
  const time = Date.parse(hasOffset ? text : `${text}Z`);
  if (Number.isNaN(time)) {
    context.addIssue({ code: "custom", message: "expected an ISO-8601 time" });
    return z.NEVER;
  }
  return new Date(time).toISOString();
});

/** The GraphQL fields of `Run` that {@linkcode runNodeSchema} reads. */
export const RUN_NODE_FIELDS =
  "name displayName state tags description createdAt";

/** Validates one `Run` node as W&B sends it and turns it into a {@linkcode WandbRun}. */
export const runNodeSchema: z.ZodType<WandbRun, unknown> = z.object({
  name: z.string().min(1),
  displayName: z.string().nullable(),
  state: z.string().min(1),
  tags: z.array(z.string()).nullable(),
  description: z.string().nullable(),
  createdAt: timestamp,
  config: jsonObjectString("config"),
  summaryMetrics: jsonObjectString("summaryMetrics").optional(),
}).transform((node) => ({
  runId: node.name,
  displayName: node.displayName ?? node.name,
  state: node.state.toLowerCase(),
  tags: node.tags ?? [],
  description: node.description,
  createdAt: node.createdAt,
  config: unwrapConfig(node.config),
  summary: node.summaryMetrics ?? {},
}));

/**
 * Unwraps W&B's config entries (`{"lr": {"value": 0.1}}`, or the older
 * `{"desc": null, "value": 0.1}`) to plain values, leaving out `_wandb`.
 *
 * @param config The config object as W&B stores it.
 * @returns The config as name to value.
 */
export function unwrapConfig(
  config: Record<string, unknown>,
): Record<string, unknown> {
  const values: Record<string, unknown> = {};
  for (const [key, entry] of Object.entries(config)) {
    if (key === "_wandb") continue;
    const wrapped = typeof entry === "object" && entry !== null &&
      !Array.isArray(entry) && "value" in entry;
    values[key] = wrapped ? (entry as { value: unknown }).value : entry;
  }
  return values;
}
