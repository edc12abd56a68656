/**
 * The temporary file {@linkcode writeFileAtomically} writes first: the target
 * path with `.partial` appended (so a permission for both can be granted up
 * front).
 *
 * @param path The target path.
 * @returns The temporary path.
 */
export function partialPathFor(path: string): string {
  return `${path}.partial`;
}

/**
 * Writes a whole file or nothing: the text goes to a temporary file beside
 * the target, which is then renamed over it. A reader never sees half a file,
 * and on failure the previous file is left as it was.
 *
 * @param path Where the file goes; its folder is created if missing.
 * @param text The file's content.
 */
export async function writeFileAtomically(
  path: string,
  text: string,
): Promise<void> {
  const folder = path.includes("/") ? path.slice(0, path.lastIndexOf("/")) : "";
  if (folder !== "" && !(await exists(folder))) {
    await Deno.mkdir(folder, { recursive: true });
  }
  const partial = partialPathFor(path);
  try {
    await Deno.writeTextFile(partial, text);
    await Deno.rename(partial, path);
  } catch (error) {
    await Deno.remove(partial).catch(() => {});
    throw error;
  }
}

async function exists(path: string): Promise<boolean> {
  try {
    await Deno.stat(path);
    return true;
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return false;
    throw error;
  }
}
