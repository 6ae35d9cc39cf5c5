// Mocha reporter for `npm test`: prints what the spec reporter prints, and writes the real counts
// to a JSON file so .ci/run can print its `N passed, N failed` line (CI cannot read mocha's
// own summary). CommonJS because mocha loads reporters with require().
const fs = require('node:fs');
const path = require('node:path');
const Mocha = require('mocha');

const { EVENT_RUN_END, EVENT_TEST_PASS, EVENT_TEST_FAIL, EVENT_TEST_PENDING } = Mocha.Runner.constants;

class CountingReporter extends Mocha.reporters.Spec {
  constructor(runner, options) {
    super(runner, options);
    const counts = { passed: 0, failed: 0, pending: 0, failures: [] };
    runner.on(EVENT_TEST_PASS, () => counts.passed++);
    runner.on(EVENT_TEST_PENDING, () => counts.pending++);
    // A failing hook fails the tests it guards without running them: it is counted as a failure.
    runner.on(EVENT_TEST_FAIL, (test, err) => {
      counts.failed++;
      counts.failures.push({ title: test.fullTitle(), message: String(err && err.message) });
    });
    runner.once(EVENT_RUN_END, () => {
      const file = process.env.KCONFORM_TEST_SUMMARY || path.join('.kconform-out', 'test-summary.json');
      fs.mkdirSync(path.dirname(file), { recursive: true });
      fs.writeFileSync(file, JSON.stringify(counts, null, 2) + '\n');
    });
  }
}

module.exports = CountingReporter;
