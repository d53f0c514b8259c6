const Sequencer = require('@jest/test-sequencer').default;

/**
 * The browser and media suites run first, on a freshly started shared local cloud: they wait on
 * live delivery with the tightest timings, and later suites leave fan-out work behind them.
 */
const FIRST = ['web.test.ts', 'files.test.ts'];

class FreshFirstSequencer extends Sequencer {
  sort(tests) {
    const rank = (t) => {
      const i = FIRST.findIndex((name) => t.path.endsWith(name));
      return i === -1 ? FIRST.length : i;
    };
    return [...super.sort(tests)].sort((a, b) => rank(a) - rank(b));
  }
}

module.exports = FreshFirstSequencer;
