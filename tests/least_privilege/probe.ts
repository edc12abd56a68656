/**
 * Run under the action's Deno flags, tries what the CLI must never be able to
 * do, and what it must, then prints one JSON object: each attempt's name to
 * `"allowed"` or `"denied"` (or the error for anything else).
 *
 * Usage: `deno run <flags> probe.ts <granted file> <workspace> <W&B url>`
 *
 * @module
 */

const [grantedFile, workspace, wandbUrl] = Deno.args;
const anotherPort = Number(new URL(wandbUrl).port) % 65535 + 1;

const attempts: Record<string, () => unknown> = {
  "write the granted CSV": () => Deno.writeTextFileSync(grantedFile, "probe\n"),
  "read INPUT_PROJECT_NAME": () => Deno.env.get("INPUT_PROJECT_NAME"),
  "connect to the W&B host": () =>
    fetch(`${wandbUrl}/graphql`).then((r) => r.body?.cancel()),
  "write elsewhere in the workspace": () =>
    Deno.writeTextFileSync(`${workspace}/elsewhere.txt`, "x"),
  "write in /tmp": () =>
    Deno.writeTextFileSync("/tmp/wandb-runs-probe.txt", "x"),
  "create a folder in the workspace": () => Deno.mkdirSync(`${workspace}/dir`),
  "read another workspace file": () =>
    Deno.readTextFileSync(`${workspace}/secret.txt`),
  "read /etc/passwd": () => Deno.readTextFileSync("/etc/passwd"),
  "list the workspace": () => [...Deno.readDirSync(workspace)],
  "read HOME": () => Deno.env.get("HOME"),
  "read all of the environment": () => Deno.env.toObject(),
  "connect to another host": () => fetch("https://example.com/"),
  "connect to another port on loopback": () =>
    fetch(`http://127.0.0.1:${anotherPort}/`),
  "run a program": () => new Deno.Command("true").outputSync(),
  "read system info": () => Deno.osRelease(),
};

const results: Record<string, string> = {};
for (const [name, attempt] of Object.entries(attempts)) {
  try {
    await attempt();
    results[name] = "allowed";
  } catch (error) {
    results[name] = error instanceof Deno.errors.NotCapable ||
        error instanceof Deno.errors.PermissionDenied
      ? "denied"
      : `failed: ${String(error)}`;
  }
}
console.log(JSON.stringify(results));
