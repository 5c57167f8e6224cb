// Preloaded into the benchmarked CLI process: reports its peak resident set size at exit.
'use strict';
process.on('exit', () => process.stderr.write(`peak-rss-bytes ${process.resourceUsage().maxRSS * 1024}\n`));
