/** Write failures named by their real cause (a read-only mount is not "no such file"). */

const CAUSES: Record<string, string> = {
  EROFS: 'read-only file system',
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  ENOSPC: 'no space left on device',
  EDQUOT: 'disk quota exceeded',
  EISDIR: 'is a directory',
  ENOTDIR: 'a path component is not a directory',
  EEXIST: 'already exists',
  ENOENT: 'no such file or directory',
  ENAMETOOLONG: 'file name too long',
  EMFILE: 'too many open files',
  EIO: 'input/output error',
  EFBIG: 'file too large',
  EXDEV: 'crosses file systems (a mount point?)',
  ELOOP: 'too many levels of symbolic links',
  EBUSY: 'busy (a mount point?)',
};

/** An error whose message says what failed, where, and why (the errno code and its meaning). */
export class OutputError extends Error {
  constructor(message: string, public readonly code?: string) {
    super(message);
    this.name = 'OutputError';
  }
}

/** `<path>: cannot <action>: EROFS (read-only file system)`. */
export function fsFailure(e: unknown, file: string, action: string): OutputError {
  if (e instanceof OutputError) return e;
  const code = (e as NodeJS.ErrnoException)?.code;
  const cause = code ? `${code} (${CAUSES[code] ?? (e as Error).message})` : String((e as Error)?.message ?? e);
  return new OutputError(`${file}: cannot ${action}: ${cause}`, code);
}

/** Runs an fs call, turning its error into an OutputError naming the path and the action. */
export function attempt<T>(file: string, action: string, fn: () => T): T {
  try {
    return fn();
  } catch (e) {
    throw fsFailure(e, file, action);
  }
}
