/**
 * The temporary file {@linkcode writeFilesAtomically} writes first: the target
 * path with `.partial` appended (so a permission for both can be granted up
 * front).
 *
 * @param path The target path.
 * @returns The temporary path.
 */
export function partialPathFor(path: string): string {
  return `${path}.partial`;
}

/** One file for {@linkcode writeFilesAtomically}. */
export interface FileToWrite {
  /** Where the file goes. */
  path: string;
  /** The file's content, whole or in pieces written one by one. */
  text: string | Iterable<string>;
}

/** Why {@linkcode writeFilesAtomically} stopped, and what it had written by then. */
export class AtomicWriteError extends Error {
  /** The index of the file that could not be written. */
  readonly index: number;
  /** The files already in place: empty unless a rename failed after others had succeeded. */
  readonly written: readonly string[];

  /**
   * Makes the error; its message is the cause's.
   *
   * @param index The index of the file that could not be written.
   * @param written The files already in place.
   * @param cause What failed.
   */
  constructor(index: number, written: readonly string[], cause: unknown) {
    super(cause instanceof Error ? cause.message : String(cause), { cause });
    this.name = "AtomicWriteError";
    this.index = index;
    this.written = written;
  }
}

/**
 * Writes several files all or none, as far as a file system allows: every
 * temporary `.partial` file is created first (creating missing folders), so
 * that a file that cannot be written stops the lot before any is; then each
 * is written, then each is renamed over its target. On failure every
 * temporary file is removed. Only a rename failing after another succeeded
 * (which the created temporary file makes unlikely) leaves some in place,
 * and the error says which.
 *
 * @param files The files, in the order they are created and renamed.
 * @throws {AtomicWriteError} naming the file that failed.
 */
export async function writeFilesAtomically(
  files: readonly FileToWrite[],
): Promise<void> {
  const partials = files.map((file) => partialPathFor(file.path));
  const open: Deno.FsFile[] = [];
  let index = 0;
  try {
    for (; index < files.length; index++) {
      open.push(await openCreatingFolder(partials[index]));
    }
    for (index = 0; index < files.length; index++) {
      await writeAll(open[index], files[index].text);
    }
  } catch (error) {
    open.forEach((file) => file.close());
    await removeAll(partials.slice(0, open.length));
    throw new AtomicWriteError(index, [], error);
  }
  open.forEach((file) => file.close());
  for (index = 0; index < files.length; index++) {
    try {
      await Deno.rename(partials[index], files[index].path);
    } catch (error) {
      await removeAll(partials.slice(index));
      throw new AtomicWriteError(
        index,
        files.slice(0, index).map((file) => file.path),
        error,
      );
    }
  }
}

/**
 * The Deno permission flags that writing `path` lacks: write of the file
 * (and, written atomically, of its `.partial` twin and read of the twin,
 * which the rename needs). Outside Deno's permission checks (all granted),
 * none.
 *
 * @param path The file to be written.
 * @param options `atomic`: written through a `.partial` file and a rename.
 * @returns The flags that do not grant what is needed, e.g. `["--allow-write"]`.
 */
export function missingPermissions(
  path: string,
  options: { atomic?: boolean } = {},
): string[] {
  const granted = (name: "read" | "write", target: string) =>
    Deno.permissions.querySync({ name, path: target }).state === "granted";
  const partial = partialPathFor(path);
  const missing: string[] = [];
  if (
    !granted("write", path) ||
    (options.atomic === true && !granted("write", partial))
  ) {
    missing.push("--allow-write");
  }
  if (options.atomic === true && !granted("read", partial)) {
    missing.push("--allow-read");
  }
  return missing;
}

async function removeAll(paths: readonly string[]): Promise<void> {
  await Promise.all(paths.map((path) => Deno.remove(path).catch(() => {})));
}

async function openCreatingFolder(path: string): Promise<Deno.FsFile> {
  const options = { write: true, create: true, truncate: true };
  try {
    return await Deno.open(path, options);
  } catch (error) {
    const folder = path.slice(0, path.lastIndexOf("/"));
    if (!(error instanceof Deno.errors.NotFound) || folder === "") throw error;
    await Deno.mkdir(folder, { recursive: true });
    return await Deno.open(path, options);
  }
}

/**
 * Writes all of `text` to an open file, piece by piece: `write` may take
 * fewer bytes than it is given.
 *
 * @param file The open file.
 * @param text The text, whole or in pieces.
 */
export async function writeAll(
  file: Deno.FsFile,
  text: string | Iterable<string> | Uint8Array,
): Promise<void> {
  if (text instanceof Uint8Array) return await writeBytes(file, text);
  const encoder = new TextEncoder();
  for (const piece of typeof text === "string" ? [text] : text) {
    await writeBytes(file, encoder.encode(piece));
  }
}

async function writeBytes(file: Deno.FsFile, bytes: Uint8Array): Promise<void> {
  for (let written = 0; written < bytes.length;) {
    written += await file.write(bytes.subarray(written));
  }
}
