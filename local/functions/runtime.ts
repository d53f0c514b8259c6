import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import type { FromInstance, InstanceData, InvokeResult, ToInstance } from './protocol';

/*
 * Runs functions as Lambda does: each instance is a worker thread with its own environment and
 * module state, handling one invocation at a time. A pool per function reuses a warm idle
 * instance, else starts a cold one (up to a cap), else queues. A timeout kills the instance.
 */

export interface FunctionDefinition {
  logicalId: string;
  codePath: string;
  handlerName: string;
  timeoutSeconds: number;
  memorySize: number;
  env: Record<string, string>;
}

export interface RuntimeOptions {
  /** Most concurrent instances per function. */
  maxInstances?: number;
  /** An instance idle this long is retired. */
  idleRetireMs?: number;
  /** Where log lines go (default: stdout). */
  log?: (line: string) => void;
  /** Fault injection (local/dev/faults.ts): clock offsets per instance, and invocations cut short. */
  faults?: RuntimeFaults;
}

export interface RuntimeFaults {
  /** The functions whose invocations may be cut short (the event-source functions). */
  cuttable: Set<string>;
  /** A new instance's clock offset in ms (0: none). */
  clockOffset(): number;
  /** Whether to kill this invocation's instance part-way, and when. */
  cutShort(): { kind: 'fanoutCrash' | 'fanoutTimeout'; afterMs: number } | undefined;
  /** Called when a planned cut took effect (the invocation was still running). */
  count(kind: 'fanoutCrash' | 'fanoutTimeout'): void;
}

type ResolvedOptions = Required<Omit<RuntimeOptions, 'faults'>> & Pick<RuntimeOptions, 'faults'>;

export interface FunctionStats {
  invocations: number;
  errors: number;
  coldStarts: number;
  timeouts: number;
  /** Summed invocation durations (ms; what Lambda bills, before rounding up), for benchmarks. */
  durationMs: number;
  /** Invocations running or queued now (0: the function is idle; tests wait for a drained stream). */
  inFlight: number;
}

interface Instance {
  worker: Worker;
  ready: Promise<void>;
  busy: boolean;
  /** Still loading its bundle (its first invocation waits on `ready`). */
  initializing: boolean;
  lastUsed: number;
  /** The running invocation's completion, set while busy. */
  settle?: (result: InvokeResult) => void;
  /** Ends `ready` early when the instance dies while initializing. */
  markReady: () => void;
  /** Why the instance died while initializing (its first invocation fails with it). */
  initFailure?: { errorType: string; errorMessage: string };
}

const WORKER_FILE = join(__dirname, 'worker.ts');
/** Lambda's limit on a synchronous invocation's request payload (the event as JSON): 6 MB. */
const REQUEST_LIMIT_BYTES = 6 * 1024 * 1024;

/** A short, readable name for log prefixes: `WsMessageFunction3F2A9C1B` → `ws-message`. */
export function shortName(logicalId: string): string {
  return (
    logicalId
      .replace(/[0-9A-F]{8}$/, '')
      .replace(/(Function|Handler|Fn|Lambda)$/, '')
      .replace(/([a-z0-9])([A-Z])/g, '$1-$2')
      .toLowerCase() || logicalId
  );
}

class FunctionPool {
  private readonly instances = new Set<Instance>();
  private readonly queue: { event: unknown; resolve: (r: InvokeResult) => void }[] = [];
  readonly stats: FunctionStats = { invocations: 0, errors: 0, coldStarts: 0, timeouts: 0, durationMs: 0, inFlight: 0 };
  private readonly name: string;

  constructor(
    private readonly definition: FunctionDefinition,
    private readonly options: ResolvedOptions,
  ) {
    this.name = shortName(definition.logicalId);
  }

  invoke(event: unknown): Promise<InvokeResult> {
    const bytes = Buffer.byteLength(JSON.stringify(event) ?? '');
    if (bytes > REQUEST_LIMIT_BYTES) {
      return Promise.resolve({ ok: false, error: { errorType: 'RequestTooLargeException', errorMessage: `Request must be smaller than ${REQUEST_LIMIT_BYTES} bytes for the InvokeFunction operation` } });
    }
    this.stats.inFlight++;
    return new Promise<InvokeResult>((resolve) => {
      this.queue.push({ event, resolve });
      this.drain();
    }).finally(() => this.stats.inFlight--);
  }

  private drain(): void {
    while (this.queue.length > 0) {
      let instance = [...this.instances].find((i) => !i.busy);
      let cold = false;
      if (!instance) {
        if (this.instances.size >= this.options.maxInstances) return;
        // One cold start at a time per function: on a small machine a burst of parallel cold starts
        // (each loading the bundle) starves everything else for seconds; the queue drains as soon as
        // this instance or a warm one is free. Concurrency still grows to maxInstances under load.
        if ([...this.instances].some((i) => i.initializing)) return;
        instance = this.startInstance();
        cold = true;
      }
      const next = this.queue.shift();
      if (!next) return;
      void this.run(instance, next.event, cold).then((result) => {
        next.resolve(result);
        this.drain();
      });
    }
  }

  private startInstance(): Instance {
    const { definition } = this;
    const data: InstanceData = {
      codePath: definition.codePath,
      handlerName: definition.handlerName,
      functionName: definition.logicalId,
      memorySize: definition.memorySize,
      clockOffsetMs: this.options.faults?.clockOffset() ?? 0,
    };
    const worker = new Worker(WORKER_FILE, { env: definition.env, workerData: data, stdout: false, stderr: false });
    let markReady: () => void = () => undefined;
    const ready = new Promise<void>((r) => (markReady = r));
    const instance: Instance = { worker, busy: true, initializing: true, lastUsed: Date.now(), ready, markReady };
    worker.on('message', (message: FromInstance) => {
      if (message.type === 'ready') {
        instance.initializing = false;
        markReady();
        this.drain(); // the next cold start may begin
      }
      else if (message.type === 'log') this.print(message.line);
      else instance.settle?.(message.ok ? { ok: true, result: message.result } : { ok: false, error: message.error });
    });
    worker.on('error', (error) => {
      this.print(`instance crashed: ${error.stack ?? error.message}`);
      this.retire(instance, { errorType: 'Runtime.ExitError', errorMessage: `instance crashed: ${error.message}` });
    });
    worker.on('exit', (code) => this.retire(instance, { errorType: 'Runtime.ExitError', errorMessage: `instance exited with code ${code}` }));
    this.instances.add(instance);
    this.stats.coldStarts++;
    return instance;
  }

  /** Removes an instance; a running invocation fails with `failure`. */
  private retire(instance: Instance, failure: { errorType: string; errorMessage: string }): void {
    if (!this.instances.delete(instance)) return;
    if (instance.initializing) {
      instance.initFailure = failure;
      instance.initializing = false;
      instance.markReady();
    }
    instance.settle?.({ ok: false, error: failure });
    void instance.worker.terminate();
    this.drain();
  }

  private async run(instance: Instance, event: unknown, cold: boolean): Promise<InvokeResult> {
    const { definition } = this;
    instance.busy = true;
    const requestId = randomUUID();
    const started = performance.now();
    this.stats.invocations++;
    await instance.ready;
    if (instance.initFailure) {
      this.stats.errors++;
      return { ok: false, error: instance.initFailure };
    }
    const initMs = performance.now() - started;
    const invokeStarted = performance.now();
    this.print(`START RequestId: ${requestId} Version: $LATEST`);
    const timeoutMs = definition.timeoutSeconds * 1000;
    const result = await new Promise<InvokeResult>((resolve) => {
      const timer = setTimeout(() => {
        this.stats.timeouts++;
        const message = `Task timed out after ${definition.timeoutSeconds.toFixed(2)} seconds`;
        this.print(`${new Date().toISOString()} ${requestId} ${message}`);
        this.retire(instance, { errorType: 'Sandbox.Timedout', errorMessage: message });
      }, timeoutMs);
      // Fault injection: the event-source function's instance is killed at a random point.
      const cut = this.options.faults?.cuttable.has(definition.logicalId) ? this.options.faults.cutShort() : undefined;
      const cutTimer = cut
        ? setTimeout(() => {
            this.options.faults?.count(cut.kind);
            const failure = cut.kind === 'fanoutTimeout'
              ? { errorType: 'Sandbox.Timedout', errorMessage: 'Task timed out (injected fault)' }
              : { errorType: 'Runtime.ExitError', errorMessage: 'instance crashed (injected fault)' };
            this.print(`${requestId} ${failure.errorMessage}`);
            this.retire(instance, failure);
          }, cut.afterMs)
        : undefined;
      instance.settle = (r) => {
        clearTimeout(timer);
        clearTimeout(cutTimer);
        instance.settle = undefined;
        resolve(r);
      };
      const message: ToInstance = { requestId, event, deadline: Date.now() + timeoutMs };
      instance.worker.postMessage(message);
    });
    const duration = performance.now() - invokeStarted;
    this.stats.durationMs += duration;
    // The instance logged the error itself ("Invoke Error"); timeouts and crashes were logged above.
    if (!result.ok) this.stats.errors++;
    this.print(`END RequestId: ${requestId}`);
    this.print(
      `REPORT RequestId: ${requestId}\tDuration: ${duration.toFixed(2)} ms\tBilled Duration: ${Math.ceil(duration)} ms\t` +
        `Memory Size: ${definition.memorySize} MB${cold ? `\tInit Duration: ${initMs.toFixed(2)} ms (cold start)` : ''}`,
    );
    instance.busy = false;
    instance.lastUsed = Date.now();
    return result;
  }

  retireIdle(now: number): void {
    for (const instance of this.instances) {
      if (!instance.busy && now - instance.lastUsed > this.options.idleRetireMs) {
        this.instances.delete(instance);
        void instance.worker.terminate();
      }
    }
  }

  async stop(): Promise<void> {
    const all = [...this.instances];
    this.instances.clear();
    for (const q of this.queue.splice(0)) q.resolve({ ok: false, error: { errorType: 'Runtime.Shutdown', errorMessage: 'local cloud is stopping' } });
    await Promise.all(all.map((i) => i.worker.terminate()));
  }

  private print(line: string): void {
    this.options.log(`[${this.name}] ${line}`);
  }
}

export class FunctionRuntime {
  private readonly pools = new Map<string, FunctionPool>();
  private readonly sweeper: NodeJS.Timeout;

  constructor(definitions: FunctionDefinition[], options: RuntimeOptions = {}) {
    const resolved: ResolvedOptions = {
      maxInstances: options.maxInstances ?? 16,
      idleRetireMs: options.idleRetireMs ?? 5 * 60_000,
      log: options.log ?? ((line) => process.stdout.write(`${line}\n`)),
      faults: options.faults,
    };
    for (const d of definitions) this.pools.set(d.logicalId, new FunctionPool(d, resolved));
    this.sweeper = setInterval(() => this.pools.forEach((p) => p.retireIdle(Date.now())), 30_000);
    this.sweeper.unref();
  }

  has(logicalId: string): boolean {
    return this.pools.has(logicalId);
  }

  /** Invokes a function synchronously (RequestResponse); failures come back as Lambda's error payload. */
  invoke(logicalId: string, event: unknown): Promise<InvokeResult> {
    const pool = this.pools.get(logicalId);
    if (!pool) return Promise.resolve({ ok: false, error: { errorType: 'ResourceNotFoundException', errorMessage: `no function ${logicalId}` } });
    return pool.invoke(event);
  }

  stats(): Record<string, FunctionStats> {
    return Object.fromEntries([...this.pools].map(([id, pool]) => [id, { ...pool.stats }]));
  }

  async stop(): Promise<void> {
    clearInterval(this.sweeper);
    await Promise.all([...this.pools.values()].map((p) => p.stop()));
  }
}
