// Mocha reporter for `kconform run`. On stdout, one line per event, `KCONFORM-EVENT {json}`: the
// number of tests at the start, each test's start, each failed attempt that will be retried, and
// each test's end; the runner turns them into its progress display and its --events file. At the
// end, every test's result goes as JSON to the file named by the `output` reporter option (or
// KCONFORM_RESULTS_FILE), with the diagnostics the suite's afterEach hung on the test object
// (conformance/lib/diagnostics.ts) and each failed attempt before a retry.
// A hook that fails (a `before` that cannot create its namespace) stops the tests it guards without
// running them: each of those is recorded as failed with the hook's error, so no result goes
// missing. CommonJS because mocha loads reporters with require().
const fs = require('node:fs');
const path = require('node:path');
const Mocha = require('mocha');

const {
  EVENT_RUN_BEGIN,
  EVENT_RUN_END,
  EVENT_TEST_BEGIN,
  EVENT_TEST_PASS,
  EVENT_TEST_FAIL,
  EVENT_TEST_PENDING,
  EVENT_TEST_RETRY,
} = Mocha.Runner.constants;

const EVENT_PREFIX = 'KCONFORM-EVENT ';
const DIAGNOSTICS_PROPERTY = 'kconformDiagnostics';

class ResultsReporter extends Mocha.reporters.Base {
  constructor(runner, options) {
    super(runner, options);
    const reporterOptions = (options && options.reporterOptions) || {};
    const file = reporterOptions.output || process.env.KCONFORM_RESULTS_FILE;
    if (!file) throw new Error('results-reporter: give --reporter-option output=FILE');
    const emit = (event) => process.stdout.write(EVENT_PREFIX + JSON.stringify(event) + '\n');
    const tests = new Map(); // full title -> { entry, test }
    const attempts = new Map(); // full title -> [{ test, err, durationMs }]

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
      tests.set(entry.title, { entry, test });
      emit({ event: 'test-end', title: entry.title, file: entry.file, status, durationMs: entry.durationMs });
    };

    runner.once(EVENT_RUN_BEGIN, () => emit({ event: 'begin', total: runner.total }));
    runner.on(EVENT_TEST_BEGIN, (test) =>
      emit({
        event: 'test-start',
        title: test.fullTitle(),
        file: test.file || '',
        attempt: (typeof test.currentRetry === 'function' ? test.currentRetry() : 0) + 1,
      }),
    );
    runner.on(EVENT_TEST_RETRY, (test, err) => {
      const title = test.fullTitle();
      attempts.set(title, [...(attempts.get(title) || []), { test, err, durationMs: test.duration || 0 }]);
      emit({
        event: 'test-retry',
        title,
        file: test.file || '',
        durationMs: test.duration || 0,
        message: String((err && err.message) || err),
      });
    });
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
      // The afterEach that collects diagnostics runs after the test's events: read them only now.
      const results = [...tests.values()].map(({ entry, test }) => {
        const out = { ...entry };
        if (test[DIAGNOSTICS_PROPERTY]) out.cluster = test[DIAGNOSTICS_PROPERTY];
        const failed = attempts.get(entry.title);
        if (failed) {
          out.failedAttempts = failed.map((a) => ({
            durationMs: a.durationMs,
            message: String((a.err && a.err.message) || a.err),
            error: String((a.err && (a.err.stack || a.err.message)) || a.err),
            ...(a.test[DIAGNOSTICS_PROPERTY] ? { cluster: a.test[DIAGNOSTICS_PROPERTY] } : {}),
          }));
        }
        return out;
      });
      fs.mkdirSync(path.dirname(file), { recursive: true });
      fs.writeFileSync(file, JSON.stringify({ tests: results }, null, 2) + '\n');
    });
  }
}

module.exports = ResultsReporter;
