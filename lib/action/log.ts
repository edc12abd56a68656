import { breakLegacyCommands, redactSecrets } from "../_message.ts";

/** Where the job's human-readable lines go. */
export interface Log {
  /** A line every user sees. */
  info(line: string): void;
  /** A notice: something worth knowing that is not an error. */
  notice(line: string): void;
  /** A warning. */
  warning(line: string): void;
  /** An error that does not stop the job (a failed gate). */
  error(line: string): void;
  /** A debug line, shown only when debugging is on. */
  debug(line: string): void;
  /** Starts a collapsible group of lines (GitHub Actions), or a titled section. */
  group(title: string): void;
  /** Ends the group. */
  endGroup(): void;
}

/** How {@linkcode createLog} writes. */
export interface LogOptions {
  /** Writes one line (without its `\n`). */
  write: (line: string) => void;
  /** Whether to use GitHub's `::notice::`/`::warning::` workflow commands. */
  githubActions: boolean;
  /** Whether debug lines are shown. */
  debug: boolean;
  /** Text that must never be printed (the API key). */
  secrets: readonly string[];
}

/**
 * Makes a log that is safe for outside text: every line is redacted of
 * secrets, folded to one line and rid of legacy `##[` commands (see
 * {@linkcode safeLogText}), and plain lines can never start with `::`, so a
 * run name or server message cannot issue a workflow command.
 *
 * @param options Where to write and in which dialect.
 * @returns The log.
 */
export function createLog(options: LogOptions): Log {
  const clean = (text: string) => safeLogText(text, options.secrets);
  const command = (name: string, text: string) =>
    options.write(`::${name}::${escapeCommandData(clean(text))}`);
  // The runner trims leading white space, U+0085 included, before looking for `::`.
  const plain = (prefix: string, text: string) =>
    options.write(`${prefix}${clean(text).replace(/^[\s\u0085]*::/, ": :")}`);
  return {
    info: (text) => plain("", text),
    notice: (text) =>
      options.githubActions ? command("notice", text) : plain("Notice: ", text),
    warning: (text) =>
      options.githubActions
        ? command("warning", text)
        : plain("Warning: ", text),
    error: (text) =>
      options.githubActions ? command("error", text) : plain("Error: ", text),
    debug: (text) => {
      if (options.debug) plain("[debug] ", text);
    },
    group: (title) =>
      options.githubActions ? command("group", title) : plain("", `${title}:`),
    endGroup: () => {
      if (options.githubActions) options.write("::endgroup::");
    },
  };
}

/**
 * Escapes a workflow command's message: `%`, CR and LF.
 *
 * @param text The message.
 * @returns The escaped message.
 */
export function escapeCommandData(text: string): string {
  return text.replaceAll("%", "%25").replaceAll("\r", "%0D").replaceAll(
    "\n",
    "%0A",
  );
}

/**
 * Makes outside text safe for one log line: secrets become `***`, line
 * breaks (a lone CR too, which the runner also takes for one) become spaces,
 * and `##[` / `##vso[`, which GitHub's runner and Azure Pipelines obey
 * anywhere in a line, become `# #[` / `# #vso[`.
 *
 * @example
 * ```ts
 * import { safeLogText } from "./log.ts";
 * import assert from "node:assert/strict";
 *
 * assert.equal(
 *   safeLogText("run a\n##[set-output name=x;]1 key-123", ["key-123"]),
 *   "run a # #[set-output name=x;]1 ***",
 * );
 * ```
 *
 * @param text Text that may come from outside (run data, a server's message).
 * @param secrets Text that must never be printed.
 * @returns One line, redacted and neutralised.
 */
export function safeLogText(text: string, secrets: readonly string[]): string {
  return breakLegacyCommands(
    redactSecrets(text, secrets).replace(/[\r\n]+/g, " "),
  );
}
