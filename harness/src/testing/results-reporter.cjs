// Mocha reporter for `kconform run`: one progress line per test on stdout, and every test's result
// as JSON in the file named by the `output` reporter option (or KCONFORM_RESULTS_FILE). A hook that
// fails (a `before` that cannot create its namespace) stops the tests it guards without running
// them: each of those is recorded as failed with the hook's error, so no result goes missing.
// CommonJS because mocha loads reporters with require().
const fs = require('node:fs');
const path = require('node:path');
const Mocha = require('mocha');

const { EVENT_RUN_END, EVENT_TEST_PASS, EVENT_TEST_FAIL, EVENT_TEST_PENDING } = Mocha.Runner.constants;

class ResultsReporter extends Mocha.reporters.Base {
  constructor(runner, options) {
    super(runner, options);
    const reporterOptions = (options && options.reporterOptions) || {};
    const file = reporterOptions.output || process.env.KCONFORM_RESULTS_FILE;
    if (!file) throw new Error('results-reporter: give --reporter-option output=FILE');
    const tests = new Map(); // full title -> record
    const record = (test, status, err) => {
      const entry = {
        title: test.fullTitle(),
        file: test.file || '',
        status,
        durationMs: test.duration || 0,
        retries: typeof test.currentRetry === 'function' ? test.currentRetry() : 0,
      };
      if (err) entry.error = String((err && (err.stack || err.message)) || err);
      if (err) entry.message = String((err && err.message) || err);
      tests.set(entry.title, entry);
      const mark = status === 'passed' ? 'ok  ' : status === 'failed' ? 'FAIL' : 'skip';
      process.stdout.write(`  ${mark} ${entry.title} (${entry.durationMs} ms)\n`);
    };
    runner.on(EVENT_TEST_PASS, (test) => record(test, 'passed'));
    runner.on(EVENT_TEST_PENDING, (test) => record(test, 'skipped'));
    runner.on(EVENT_TEST_FAIL, (test, err) => {
      if (test.type !== 'hook') return record(test, 'failed', err);
      const hookError = {
        message: `${test.title} failed: ${(err && err.message) || err}`,
        stack: `${test.title} failed: ${(err && (err.stack || err.message)) || err}`,
      };
      // Every test under the hook's suite that has no result of its own did not run because of it.
      test.parent.eachTest((guarded) => {
        if (tests.has(guarded.fullTitle())) return;
        if (runner._grep && runner._grep.test(guarded.fullTitle()) === Boolean(runner._invert)) return;
        guarded.file = guarded.file || test.file;
        record(guarded, 'failed', hookError);
      });
    });
    runner.once(EVENT_RUN_END, () => {
      fs.mkdirSync(path.dirname(file), { recursive: true });
      fs.writeFileSync(file, JSON.stringify({ tests: [...tests.values()] }, null, 2) + '\n');
    });
  }
}

module.exports = ResultsReporter;
