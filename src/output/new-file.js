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
    fs.writeSync(fd, text);
    if (flush) fs.fsyncSync(fd);
  } catch (e) {
    throw failed(e, 'write');
  } finally {
    fs.closeSync(fd);
  }
}

module.exports = { writeNewFile };
