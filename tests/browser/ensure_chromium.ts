/**
 * Finds, or installs, what the browser tests need: Debian's Chromium at
 * `/usr/bin/chromium`, and the fonts the report is measured in (Liberation
 * for text, Noto Color Emoji for the report's marks), so that a page's height
 * is the same on every machine. Run by `deno task test` before the tests. As
 * root with `apt-get` it installs the missing packages (from the system's
 * package sources, never a browser download of its own); otherwise it says
 * how and leaves the browser tests to fail with the same advice.
 *
 * @module
 */

/** Where the browser test looks for Chromium. */
export const CHROMIUM = "/usr/bin/chromium";

/** Each Debian package the browser tests need, and a file it installs. */
export const BROWSER_PACKAGES: Readonly<Record<string, string>> = {
  chromium: CHROMIUM,
  "fonts-liberation":
    "/usr/share/fonts/truetype/liberation/LiberationSans-Regular.ttf",
  "fonts-noto-color-emoji": "/usr/share/fonts/truetype/noto/NotoColorEmoji.ttf",
};

const INSTALL = `apt-get update && apt-get install -y ${
  Object.keys(BROWSER_PACKAGES).join(" ")
}`;

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
 * Makes sure Chromium and the fonts are there, installing what is missing
 * when this process may.
 *
 * @returns 0 when everything is there (or was installed), 1 when something is missing.
 */
export async function ensureChromium(): Promise<number> {
  const missing: string[] = [];
  for (const [name, file] of Object.entries(BROWSER_PACKAGES)) {
    if (!await exists(file)) missing.push(name);
  }
  if (missing.length === 0) return 0;
  if (Deno.uid() !== 0) {
    console.error(
      `${
        missing.join(", ")
      } missing and this user cannot install them: the browser tests will fail. Install them with \`${INSTALL}\` (as root).`,
    );
    return 1;
  }
  console.error(
    `${
      missing.join(", ")
    } missing: installing Debian's packages for the browser tests (${INSTALL})`,
  );
  try {
    if (
      await aptGet(["update", "-qq"]) &&
      await aptGet(["install", "-y", "-qq", ...missing]) &&
      (await Promise.all(
        missing.map((name) => exists(BROWSER_PACKAGES[name])),
      )).every(Boolean)
    ) {
      return 0;
    }
  } catch (error) {
    if (!(error instanceof Deno.errors.NotFound)) throw error;
  }
  console.error(
    `Could not install ${
      missing.join(", ")
    } with apt-get: the browser tests will fail. Install them with \`${INSTALL}\`.`,
  );
  return 1;
}

if (import.meta.main) {
  // A missing browser fails its own test, with the same advice; the other
  // tests still run.
  await ensureChromium();
}
