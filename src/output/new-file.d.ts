/** See new-file.js. */

/** Creates `file` with `text` (O_EXCL), flushed to disk when `flush`; a failure is thrown with `action` ('create' or 'write') set. */
export declare function writeNewFile(file: string, text: string, flush: boolean): void;
