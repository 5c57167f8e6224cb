// Prints the plain closing line CI reads, "<n> passed, <n> failed[, <n> skipped]", as the
// very last line (jest's own summary goes to stderr after reporters run, so wait for exit).
class SummaryReporter {
  onRunComplete(_contexts, results) {
    const skipped = results.numPendingTests + results.numTodoTests;
    const line = `${results.numPassedTests} passed, ${results.numFailedTests} failed${skipped ? `, ${skipped} skipped` : ''}\n`;
    process.once('exit', () => process.stderr.write(line));
  }
}
module.exports = SummaryReporter;
