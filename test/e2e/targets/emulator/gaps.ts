/*
 * The reasons table: e2e tests an emulator cannot run, each with why. The emulator target marks
 * them skipped (test/e2e/harness/emulator-marks.ts) and reports them per reason; nothing else is
 * skipped there except what the suite already keeps to the local cloud (isLocal()), reported too.
 * A test is named by its file and a piece of its full name (describe titles and the test title,
 * or the title template of a test.each). Observed on MiniStack (docs/emulators.md).
 */

export interface EmulatorGap {
  /** Short key, used in the report. */
  id: string;
  /** What the emulator does not do, precisely enough to file upstream. */
  reason: string;
  tests: Array<{ file: string; name: string }>;
}

export const EMULATOR_GAPS: EmulatorGap[] = [];

/** The gap a test falls under, if any: `file` may be a path (its base name is compared). */
export function gapOf(file: string, fullName: string, gaps: EmulatorGap[] = EMULATOR_GAPS): EmulatorGap | undefined {
  const base = file.split(/[\\/]/).pop() ?? file;
  return gaps.find((gap) => gap.tests.some((t) => t.file === base && fullName.includes(t.name)));
}

export interface TestOutcome {
  file: string;
  fullName: string;
  status: 'passed' | 'failed' | 'pending' | 'skipped' | 'todo' | 'disabled' | 'focused';
}

export interface SuiteFigure {
  passed: number;
  failed: number;
  /** Marked by this table, per gap id. */
  marked: Record<string, number>;
  /** Skipped by the suite itself for every non-local target (isLocal()). */
  localOnly: number;
  failedTests: string[];
}

/** The figure the target prints: every test counted once, every skip with its reason. */
export function figureOf(outcomes: TestOutcome[], gaps: EmulatorGap[] = EMULATOR_GAPS): SuiteFigure {
  const figure: SuiteFigure = { passed: 0, failed: 0, marked: {}, localOnly: 0, failedTests: [] };
  for (const outcome of outcomes) {
    if (outcome.status === 'passed') figure.passed++;
    else if (outcome.status === 'failed') {
      figure.failed++;
      figure.failedTests.push(`${outcome.file}: ${outcome.fullName}`);
    } else {
      const gap = gapOf(outcome.file, outcome.fullName, gaps);
      if (gap) figure.marked[gap.id] = (figure.marked[gap.id] ?? 0) + 1;
      else figure.localOnly++;
    }
  }
  return figure;
}
