// Ends the run with one plain line, "Tests: N passed, N failed", which CI reads as the verdict.
// Written at exit so it comes after Jest's own summary.
export default class SummaryReporter {
  onRunComplete(_contexts, results) {
    const skipped = results.numPendingTests + results.numTodoTests;
    // A suite that cannot even load fails no single test, so it counts as a failure of its own.
    const failed = results.numFailedTests + results.numRuntimeErrorTestSuites;
    const line = `Tests: ${results.numPassedTests} passed, ${failed} failed`;
    process.once("exit", () => process.stdout.write(`${skipped > 0 ? `${line}, ${skipped} skipped` : line}\n`));
  }
}
