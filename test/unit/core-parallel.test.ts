import { inParallel } from '../../lambdas/core/parallel';

const tick = (ms = 0) => new Promise<void>((resolve) => setTimeout(resolve, ms));

async function run(count: number, limit: number) {
  let inFlight = 0;
  let peak = 0;
  const done: number[] = [];
  const items = Array.from({ length: count }, (_, i) => i);
  await inParallel(items, limit, async (item) => {
    inFlight++;
    peak = Math.max(peak, inFlight);
    await tick(item % 3);
    done.push(item);
    inFlight--;
  });
  return { peak, done, inFlight };
}

describe('inParallel', () => {
  it('runs every item exactly once and never exceeds the limit', async () => {
    const { peak, done, inFlight } = await run(50, 4);
    expect(peak).toBe(4);
    expect(inFlight).toBe(0);
    expect([...done].sort((a, b) => a - b)).toEqual(Array.from({ length: 50 }, (_, i) => i));
  });

  it('runs one at a time with a limit of 1', async () => {
    const { peak, done } = await run(10, 1);
    expect(peak).toBe(1);
    expect(done).toEqual(Array.from({ length: 10 }, (_, i) => i));
  });

  it('runs fewer items than the limit all at once', async () => {
    const { peak, done } = await run(3, 32);
    expect(peak).toBe(3);
    expect(done).toHaveLength(3);
  });

  it('does nothing for no items', async () => {
    const task = jest.fn(async () => undefined);
    await inParallel([], 8, task);
    expect(task).not.toHaveBeenCalled();
  });

  it('waits for all tasks before resolving', async () => {
    let finished = 0;
    await inParallel([1, 2, 3, 4, 5], 2, async () => {
      await tick(5);
      finished++;
    });
    expect(finished).toBe(5);
  });

  it('rejects when a task fails', async () => {
    await expect(
      inParallel([1, 2, 3], 2, async (n) => {
        if (n === 2) throw new Error('boom');
      }),
    ).rejects.toThrow('boom');
  });
});
