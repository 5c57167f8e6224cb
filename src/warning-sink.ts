/**
 * Where synth warnings go when a Mesh validates (once per synth of a changed mesh): stderr by
 * default, which `cdk8s synth` passes through to the terminal. The CLI and tests collect them
 * instead with `withWarningSink`.
 */
export type WarningSink = (line: string) => void;

const STDERR: WarningSink = (line) => process.stderr.write(`warning: ${line}\n`);

let current: WarningSink = STDERR;

/** Sends warnings to `sink` while `fn` runs (a synth), then restores the previous sink. */
export function withWarningSink<T>(sink: WarningSink, fn: () => T): T {
  const previous = current;
  current = sink;
  try {
    return fn();
  } finally {
    current = previous;
  }
}

/** @internal reports one warning line. */
export function reportWarning(line: string): void {
  current(line);
}
