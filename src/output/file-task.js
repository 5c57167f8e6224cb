'use strict';
/**
 * The file task of the writer's threads (file-threads.ts): an item is `[path, text]` of a new
 * file, its result null, or — for the first file that fails — what failed (path, action, errno
 * code, message). After a failure the thread writes nothing more: the run fails, and its
 * staging directory is removed.
 */
const { writeNewFile } = require('./new-file');

exports.runner = ({ flush }) => {
  let failure;
  return ([file, text]) => {
    if (failure) return null;
    try {
      writeNewFile(file, text, flush);
      return null;
    } catch (e) {
      failure = { file, action: (e && e.action) || 'create', code: e && e.code, message: String((e && e.message) || e) };
      return failure;
    }
  };
};
