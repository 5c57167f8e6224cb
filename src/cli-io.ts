import type { CliProgress } from './cli-progress';

/** Where the command line writes: standard output and standard error, one line at a time. */
export interface CliIo {
  readonly out: (line: string) => void;
  readonly err: (line: string) => void;
  /** Receives progress of long runs (unless --quiet). @default - none */
  readonly progress?: CliProgress;
}
