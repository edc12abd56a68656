/** Quotes outside text for a one-line message: shortened, newlines folded. */
export function quoteForMessage(text: string, maxLength = 60): string {
  const oneLine = text.replace(/[\r\n]+/g, " ");
  const shown = oneLine.length > maxLength
    ? `${oneLine.slice(0, maxLength)}…`
    : oneLine;
  return JSON.stringify(shown);
}

/**
 * Replaces every occurrence of each secret with `***`, longest secret first,
 * so that a secret that holds another is removed whole, not piece by piece.
 */
export function redactSecrets(
  text: string,
  secrets: readonly string[],
): string {
  let redacted = text;
  const longestFirst = secrets.filter((secret) => secret.length > 0)
    .toSorted((a, b) => b.length - a.length);
  for (const secret of longestFirst) {
    redacted = redacted.replaceAll(secret, "***");
  }
  return redacted;
}

/**
 * A number for people: integers as they are, others to 4 significant digits.
 */
export function formatNumber(value: number): string {
  if (!Number.isFinite(value)) return String(value);
  return Number.isInteger(value)
    ? String(value)
    : String(Number(value.toPrecision(4)));
}

/** Folds white space to single spaces and shortens to 300 characters: a server's text for a one-line message. */
export function oneLine(text: string): string {
  const line = text.replace(/\s+/g, " ").trim();
  return line.length > 300 ? `${line.slice(0, 300)}…` : line;
}

/**
 * Breaks up `##[` and `##vso[` (as `# #[`, `# #vso[`): GitHub's runner obeys
 * the legacy `##[set-output name=x;]value` form of its commands anywhere in a
 * line, and Azure Pipelines its `##vso[...]` commands likewise.
 */
export function breakLegacyCommands(text: string): string {
  return text.replace(/##(vso)?\[/gi, (match) => `# ${match.slice(1)}`);
}

/**
 * A duration in seconds as people read it, never rounded up past what
 * happened by more than a tenth: `0.2 s`, `2.1 s`, `30 s`, `135 s`.
 */
export function formatSeconds(ms: number): string {
  const seconds = ms / 1000;
  return seconds < 10
    ? `${Number(seconds.toFixed(1))} s`
    : `${Math.round(seconds)} s`;
}
