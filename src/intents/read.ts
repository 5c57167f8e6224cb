/**
 * Reads the files of a bundle safely: only regular files (a FIFO, a device such as /dev/zero,
 * a socket or a directory named `x.yaml` is a problem, never a hang), at most
 * MAX_BUNDLE_BYTES in all, UTF-8 only (UTF-16, a NUL byte or an invalid byte sequence is an
 * encoding problem, never silently replaced). Each unreadable file is one problem line; the
 * readable ones are still read, so every problem is reported at once.
 */
// The module object itself (not a namespace copy), so that tests can replace its functions.
import fs from 'node:fs';
import * as path from 'node:path';
import { escapeText } from '../problems';

/** Largest bundle read (all files together), in bytes. */
/** Files this tool writes next to cluster directories: a bundle directory used as --out holds them too. */
const OWN_OUTPUT = new Set(['connectivity.json']);

export const MAX_BUNDLE_BYTES = 16 * 1024 * 1024;

export interface BundleSource {
  readonly file: string;
  readonly text: string;
}

export interface ReadResult {
  readonly sources: BundleSource[];
  readonly problems: string[];
}

const BUNDLE_FILE = /\.(ya?ml|json)$/i;
const PROGRAM_FILE = /\.(ts|tsx|mts|cts|js|mjs|cjs)$/i;

function byCodeUnit(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** The bundle files of a target: itself, or the .yaml/.yml/.json entries of a directory by name. */
export function readBundleSources(target: string): ReadResult {
  const problems: string[] = [];
  let stat: fs.Stats;
  try {
    stat = fs.statSync(target);
  } catch (e) {
    return { sources: [], problems: [`${target}: cannot be read (${describeReadError(target, e)})`] };
  }
  if (!stat.isDirectory()) {
    if (PROGRAM_FILE.test(target)) {
      const problem = `${target}: is a program, not an intent bundle; a TypeScript app is run with "cdk8s synth" (its cdk8s.yaml names it)`;
      return { sources: [], problems: [problem] };
    }
    const one = readOne(target, MAX_BUNDLE_BYTES);
    return 'text' in one ? { sources: [{ file: target, text: one.text }], problems } : { sources: [], problems: [one.problem] };
  }
  let names: string[];
  try {
    names = fs.readdirSync(target).filter((f) => BUNDLE_FILE.test(f) && !OWN_OUTPUT.has(f)).sort(byCodeUnit);
  } catch (e) {
    return { sources: [], problems: [`${target}: cannot be read (${describeReadError(target, e)})`] };
  }
  const sources: BundleSource[] = [];
  let budget = MAX_BUNDLE_BYTES;
  for (const name of names) {
    const file = path.join(target, name);
    const one = readOne(file, budget);
    if ('problem' in one) problems.push(one.problem);
    else {
      sources.push({ file, text: one.text });
      budget -= one.bytes;
    }
  }
  if (names.length === 0) problems.push(`${target}: no .yaml, .yml or .json files found`);
  return { sources, problems };
}

/** Opens without blocking (a FIFO would block), checks what it is, reads at most `budget` bytes. */
function readOne(file: string, budget: number): { text: string; bytes: number } | { problem: string } {
  let fd: number;
  try {
    fd = fs.openSync(file, fs.constants.O_RDONLY | fs.constants.O_NONBLOCK);
  } catch (e) {
    return { problem: `${file}: cannot be read (${describeReadError(file, e)})` };
  }
  try {
    const stat = fs.fstatSync(fd);
    if (stat.isDirectory()) return { problem: `${file}: is a directory, not a bundle file` };
    if (!stat.isFile()) return { problem: `${file}: is a ${kindOf(stat)}, not a regular file (bundles are read only from regular files)` };
    if (stat.size > budget) {
      const over = budget === MAX_BUNDLE_BYTES ? 'over' : 'which takes the bundle over';
      return { problem: `${file}: is ${stat.size} bytes, ${over} the limit of ${MAX_BUNDLE_BYTES} bytes (16 MiB) per bundle` };
    }
    const buf = Buffer.alloc(stat.size);
    let read = 0;
    while (read < stat.size) {
      const n = fs.readSync(fd, buf, read, stat.size - read, read);
      if (n === 0) break;
      read += n;
    }
    const decoded = decodeUtf8(buf.subarray(0, read));
    return typeof decoded === 'string' ? { text: decoded, bytes: read } : { problem: `${file}: ${decoded.problem}` };
  } catch (e) {
    return { problem: `${file}: cannot be read (${describeReadError(file, e)})` };
  } finally {
    fs.closeSync(fd);
  }
}

function kindOf(stat: fs.Stats): string {
  if (stat.isFIFO()) return 'named pipe (FIFO)';
  if (stat.isCharacterDevice() || stat.isBlockDevice()) return 'device';
  if (stat.isSocket()) return 'socket';
  return 'special file';
}

function describeReadError(file: string, e: unknown): string {
  const code = (e as NodeJS.ErrnoException)?.code;
  if (code === 'ELOOP') return 'ELOOP: a symbolic link loop';
  if (code === 'ENOENT') {
    try {
      const dangling = fs.lstatSync(file).isSymbolicLink();
      if (dangling) return `ENOENT: a symbolic link to "${escapeText(fs.readlinkSync(file))}", which does not exist (an editor's lock file?)`;
    } catch {
      // not there at all
    }
    return 'ENOENT';
  }
  if (code === 'EACCES' || code === 'EPERM') return `${code}: permission denied`;
  return code ?? String((e as Error)?.message ?? e);
}

/** UTF-8 text (a UTF-8 byte-order mark is dropped), or the encoding problem, with its line. */
export function decodeUtf8(buf: Buffer): string | { problem: string } {
  if (buf.length >= 2 && ((buf[0] === 0xff && buf[1] === 0xfe) || (buf[0] === 0xfe && buf[1] === 0xff))) {
    return { problem: 'is UTF-16 (it starts with a UTF-16 byte-order mark); save it as UTF-8' };
  }
  const nul = buf.indexOf(0);
  if (nul >= 0) return { problem: `has a NUL byte at byte ${nul} (UTF-16 without a byte-order mark, or not text); save it as UTF-8` };
  try {
    const text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false }).decode(buf);
    return text;
  } catch {
    const lossy = buf.toString('utf8');
    const at = lossy.indexOf('\uFFFD');
    const line = lossy.slice(0, at).split('\n').length;
    return { problem: `is not valid UTF-8 (first invalid byte at line ${line}, byte ${Buffer.byteLength(lossy.slice(0, at))}); save it as UTF-8` };
  }
}
