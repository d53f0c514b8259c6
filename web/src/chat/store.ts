/** A snapshot store for useSyncExternalStore: every change replaces the snapshot and tells the listeners. */
export class Store<S> {
  private readonly listeners = new Set<() => void>();

  constructor(private state: S) {}

  subscribe = (listener: () => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  snapshot = () => this.state;

  set(patch: Partial<S> | ((s: S) => Partial<S>)): void {
    this.replace({ ...this.state, ...(typeof patch === 'function' ? patch(this.state) : patch) });
  }

  replace(next: S): void {
    this.state = next;
    for (const l of this.listeners) l();
  }
}
