/**
 * Finds, or installs, what the browser test needs: Debian's Chromium at
 * `/usr/bin/chromium`. Run by `deno task test` before the tests. As root with
 * `apt-get` it installs the `chromium` package (from the system's package
 * sources, never a browser download of its own); otherwise it says how and
 * leaves the browser test to fail with the same advice.
 *
 * @module
 */

/** Where the browser test looks for Chromium. */
export const CHROMIUM = "/usr/bin/chromium";

const INSTALL = "apt-get update && apt-get install -y chromium";

async function exists(path: string): Promise<boolean> {
  try {
    await Deno.stat(path);
    return true;
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return false;
    throw error;
  }
}

async function aptGet(args: string[]): Promise<boolean> {
  const { success } = await new Deno.Command("apt-get", {
    args,
    env: { DEBIAN_FRONTEND: "noninteractive" },
    stdout: "null",
    stderr: "inherit",
  }).output();
  return success;
}

/**
 * Makes sure Chromium is there, installing it when this process may.
 *
 * @returns 0 when Chromium is there (or was installed), 1 when it is missing.
 */
export async function ensureChromium(): Promise<number> {
  if (await exists(CHROMIUM)) return 0;
  if (Deno.uid() !== 0) {
    console.error(
      `${CHROMIUM} is missing and this user cannot install it: the browser test will fail. Install it with \`${INSTALL}\` (as root).`,
    );
    return 1;
  }
  console.error(
    `${CHROMIUM} is missing: installing Debian's chromium package for the browser test (${INSTALL})`,
  );
  try {
    if (
      await aptGet(["update", "-qq"]) &&
      await aptGet(["install", "-y", "-qq", "chromium"]) &&
      await exists(CHROMIUM)
    ) {
      return 0;
    }
  } catch (error) {
    if (!(error instanceof Deno.errors.NotFound)) throw error;
  }
  console.error(
    `Could not install chromium with apt-get: the browser test will fail. Install it with \`${INSTALL}\`.`,
  );
  return 1;
}

if (import.meta.main) {
  // A missing browser fails its own test, with the same advice; the other
  // tests still run.
  await ensureChromium();
}
