const Sequencer = require('@jest/test-sequencer').default;

/**
 * Order of the e2e suites. The browser and media suites run first, on a freshly started shared local
 * cloud: they wait on live delivery with the tightest timings. The heavy suites that start private
 * local clouds (thousands of connections, fault injection) and the bench smoke run last, so the CPU
 * they take and their teardown never delay the shared cloud's fan-out under another suite's timeouts.
 */
const FIRST = ['web.test.ts', 'files.test.ts'];
const LAST = ['bench-smoke.test.ts', 'invariants.test.ts', 'hot-channels.test.ts'];

class SuiteOrderSequencer extends Sequencer {
  sort(tests) {
    const rank = (t) => {
      const first = FIRST.findIndex((name) => t.path.endsWith(name));
      if (first !== -1) return first;
      const last = LAST.findIndex((name) => t.path.endsWith(name));
      return last === -1 ? FIRST.length : FIRST.length + 1 + last;
    };
    return [...super.sort(tests)].sort((a, b) => rank(a) - rank(b));
  }
}

module.exports = SuiteOrderSequencer;
