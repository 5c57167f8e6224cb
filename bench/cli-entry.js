// The compiled CLI (lib/, as installed users run it), for the benchmark.
'use strict';
process.exitCode = require('../lib/src/cli.js').main(process.argv);
