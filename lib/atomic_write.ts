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
 * and on failure the previous file is left as it was. A missing folder is
 * created.
 *
 * @param path Where the file goes.
 * @param text The file's content, whole or in pieces written one by one.
 */
export async function writeFileAtomically(
  path: string,
  text: string | Iterable<string>,
): Promise<void> {
  const partial = partialPathFor(path);
  try {
    await writeCreatingFolder(partial, text);
    await Deno.rename(partial, path);
  } catch (error) {
    await Deno.remove(partial).catch(() => {});
    throw error;
  }
}

async function writeCreatingFolder(
  path: string,
  text: string | Iterable<string>,
): Promise<void> {
  let file: Deno.FsFile;
  try {
    file = await Deno.open(path, { write: true, create: true, truncate: true });
  } catch (error) {
    const folder = path.slice(0, path.lastIndexOf("/"));
    if (!(error instanceof Deno.errors.NotFound) || folder === "") throw error;
    await Deno.mkdir(folder, { recursive: true });
    file = await Deno.open(path, { write: true, create: true, truncate: true });
  }
  try {
    const encoder = new TextEncoder();
    for (const piece of typeof text === "string" ? [text] : text) {
      const bytes = encoder.encode(piece);
      for (let written = 0; written < bytes.length;) {
        written += await file.write(bytes.subarray(written));
      }
    }
  } finally {
    file.close();
  }
}
