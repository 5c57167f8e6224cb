'use strict';
/**
 * How the writer creates one new file, in the calling thread (transaction.ts) and on the file
 * threads (file-task.js) alike. Plain JavaScript because those threads run without a TypeScript
 * loader.
 */
const fs = require('node:fs');

/** The error of an fs call, marked with what was being done ('create' or 'write'). */
function failed(e, action) {
  if (e && typeof e === 'object') e.action = action;
  return e;
}

/**
 * Writes every byte: one write(2) may write fewer bytes than asked (a disk filling up, a file
 * size limit) without an error, and `fs.writeSync` returns that count; the rest is written by
 * the next call, which fails with the real cause (ENOSPC, EFBIG) if nothing more can be written.
 */
function writeAll(fd, text) {
  const written = fs.writeSync(fd, text);
  if (written === Buffer.byteLength(text)) return;
  const bytes = Buffer.from(text, 'utf8');
  for (let done = written; done < bytes.length;) done += fs.writeSync(fd, bytes, done, bytes.length - done);
}

/**
 * Creates `file` with `text`: O_EXCL, so never through an existing file or link; flushed to
 * disk (fsync) when `flush`. A failure is thrown with `action` set.
 */
function writeNewFile(file, text, flush) {
  let fd;
  try {
    fd = fs.openSync(file, 'wx', 0o644);
  } catch (e) {
    throw failed(e, 'create');
  }
  try {
    writeAll(fd, text);
    if (flush) fs.fsyncSync(fd);
  } catch (e) {
    throw failed(e, 'write');
  } finally {
    fs.closeSync(fd);
  }
}

module.exports = { writeNewFile };
