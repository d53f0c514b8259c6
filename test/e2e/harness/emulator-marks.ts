import { gapOf } from '../targets/emulator/gaps';

/*
 * Under the emulator target (E2E_TARGET=localstack), tests listed in the reasons table
 * (test/e2e/targets/emulator/gaps.ts) are registered as skipped, so the run reports them with their
 * reason instead of failing on what the emulator lacks. Other targets are untouched.
 */
if (process.env.E2E_TARGET === 'localstack') {
  const file = expect.getState().testPath ?? '';
  const titles: string[] = [];
  const fullName = (title: string) => [...titles, title].join(' ');

  const originalDescribe = global.describe;
  const trackedDescribe = ((title: string, body: () => void) =>
    originalDescribe(title, () => {
      titles.push(title);
      try {
        body();
      } finally {
        titles.pop();
      }
    })) as jest.Describe;
  global.describe = Object.assign(trackedDescribe, originalDescribe);

  for (const key of ['test', 'it'] as const) {
    const original = global[key];
    const marked = ((title: string, fn?: jest.ProvidesCallback, timeout?: number) =>
      gapOf(file, fullName(title)) ? original.skip(title, fn, timeout) : original(title, fn, timeout)) as jest.It;
    // test.each(table)(title, fn): the title here is the template, which is what the table names.
    type Tabled = (...table: unknown[]) => (title: string, ...rest: unknown[]) => void;
    const each = ((...table: unknown[]) =>
      (title: string, ...rest: unknown[]) =>
        ((gapOf(file, fullName(title)) ? original.skip.each : original.each) as unknown as Tabled)(...table)(title, ...rest)) as unknown as jest.Each;
    global[key] = Object.assign(marked, original, { each });
  }
}
