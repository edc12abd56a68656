/** `deno task demo`: what a newcomer sees first. */
import assert from "node:assert/strict";
import { runCommand, tempFolder } from "./_helpers.ts";
import { ROOT } from "./_action_step.ts";

Deno.test("the demo says that its gate failures are on purpose, before they are printed", async () => {
  const folder = await tempFolder();
  try {
    const result = await runCommand(Deno.execPath(), {
      args: [
        "run",
        `--config=${ROOT}/testing/deno.json`,
        "--allow-net=127.0.0.1",
        "--allow-env",
        "--allow-read=.",
        "--allow-write=.",
        `${ROOT}/tests/demo.ts`,
      ],
      cwd: folder.path,
    });
    assert.equal(result.code, 0, result.stderr);
    const gateLines = result.stderr.split("\n").filter((line) =>
      line.startsWith("Error: Gate: ")
    );
    assert.equal(gateLines.length, 3, result.stderr);
    // Said on stderr, right before the run's own lines, so that it reads
    // before the errors in any terminal or CI log.
    const said = result.stderr.split("\n")[0];
    assert.match(said, /on purpose/);
    assert.match(said, /THRESHOLDS/);
    assert.match(said, /FAIL_ON_REGRESSION/);
    assert.match(result.stdout, /BOOL_PASSED=False/);
  } finally {
    await folder.remove();
  }
});
