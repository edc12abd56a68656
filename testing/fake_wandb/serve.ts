/**
 * Serves the demo project on 127.0.0.1 until killed, for trying the CLI by hand or from a demo script:
 *
 * ```sh
 * deno run --allow-net testing/fake_wandb/serve.ts [--port N]
 * # FAKE_WANDB_URL=http://127.0.0.1:40213
 * ```
 *
 * Point `WANDB_BASE_URL` at the printed URL and use `DEMO_API_KEY` from `sample_data.ts` as `WANDB_API_KEY`.
 *
 * @module
 */

import { parseArgs } from "node:util";
import { demoWandbOptions } from "./sample_data.ts";
import { type FakeWandb, startFakeWandb } from "./server.ts";

/** Options of {@link serveDemo}. */
export interface ServeDemoOptions {
  /** The port on 127.0.0.1; 0 (the default) picks a free one. */
  port?: number;
  /** Delay every answer by this many milliseconds. */
  latencyMs?: number;
}

/**
 * Starts the fake W&B server in-process with the demo project, the demo's
 * organisation, its model registry and an archive project hidden from the
 * key, and the demo API key ({@link demoWandbOptions}).
 *
 * @param options The port and latency.
 * @returns The running fake; `close()` it when done.
 */
export function serveDemo(options: ServeDemoOptions = {}): FakeWandb {
  return startFakeWandb({ ...demoWandbOptions(), ...options });
}

const USAGE =
  "Usage: deno run --allow-net testing/fake_wandb/serve.ts [--port N]";

/**
 * Runs the demo server: prints `FAKE_WANDB_URL=<url>` and serves until SIGINT or SIGTERM.
 *
 * @param args The command-line arguments.
 * @returns The exit code.
 */
export async function main(args: string[]): Promise<number> {
  let port: number;
  try {
    const { values } = parseArgs({
      args,
      options: { port: { type: "string" }, help: { type: "boolean" } },
    });
    if (values.help) {
      console.log(USAGE);
      return 0;
    }
    port = Number(values.port ?? 0);
    if (!Number.isInteger(port) || port < 0 || port > 65535) {
      throw new RangeError(`Invalid port "${values.port}"`);
    }
  } catch (error) {
    console.error(`${(error as Error).message}\n${USAGE}`);
    return 2;
  }
  const fake = serveDemo({ port });
  console.log(`FAKE_WANDB_URL=${fake.url}`);
  await new Promise<void>((resolve) => {
    const stop = () => {
      Deno.removeSignalListener("SIGINT", stop);
      Deno.removeSignalListener("SIGTERM", stop);
      resolve();
    };
    Deno.addSignalListener("SIGINT", stop);
    Deno.addSignalListener("SIGTERM", stop);
  });
  await fake.close();
  return 0;
}

if (import.meta.main) Deno.exit(await main(Deno.args));
