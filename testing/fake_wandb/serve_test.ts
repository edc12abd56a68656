import assert from "node:assert/strict";
import { DEMO_API_KEY } from "./sample_data.ts";

const SERVE = new URL("./serve.ts", import.meta.url).pathname;

function serve(...args: string[]): Deno.ChildProcess {
  return new Deno.Command(Deno.execPath(), {
    args: ["run", "--allow-net=127.0.0.1", SERVE, ...args],
    stdout: "piped",
    stderr: "piped",
  }).spawn();
}

Deno.test({
  name: "serve.ts prints FAKE_WANDB_URL, serves the demo and stops on SIGTERM",
  async fn() {
    const child = serve("--port", "0");
    const reader = child.stdout.pipeThrough(new TextDecoderStream())
      .getReader();
    let stdout = "";
    while (!stdout.includes("\n")) {
      const { value, done } = await reader.read();
      if (done) break;
      stdout += value;
    }
    const match = /^FAKE_WANDB_URL=(http:\/\/127\.0\.0\.1:\d+)\n$/.exec(stdout);
    assert.ok(match, `unexpected stdout: ${JSON.stringify(stdout)}`);
    const response = await fetch(`${match[1]}/graphql`, {
      method: "POST",
      headers: { authorization: `Basic ${btoa(`api:${DEMO_API_KEY}`)}` },
      body: JSON.stringify({ query: "{ viewer { entity } }" }),
    });
    assert.deepEqual(await response.json(), {
      data: { viewer: { entity: "github" } },
    });

    child.kill("SIGTERM");
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      stdout += value;
    }
    const status = await child.status;
    assert.equal(status.code, 0);
    assert.equal(stdout.split("\n").length, 2, "exactly one line on stdout");
    await child.stderr.cancel();
  },
});

Deno.test({
  name: "serve.ts rejects a bad port with exit code 2",
  async fn() {
    const { code, stdout, stderr } = await new Deno.Command(Deno.execPath(), {
      args: ["run", "--allow-net=127.0.0.1", SERVE, "--port", "http"],
    }).output();
    assert.equal(code, 2);
    assert.equal(stdout.length, 0);
    assert.match(new TextDecoder().decode(stderr), /Invalid port "http"/);
  },
});
