/**
 * Drops repeated `event_id`s: the server delivers at least once, and every sync re-reads the last
 * seconds of the inbox. Remembers the newest `limit` ids.
 */
export class SeenEvents {
  private readonly seen = new Set<string>();
  private readonly order: string[] = [];

  constructor(private readonly limit = 5000) {}

  /** True the first time an event is offered; events without an event_id always pass. */
  firstTime(event: { event_id?: unknown }): boolean {
    const id = typeof event.event_id === 'string' ? event.event_id : undefined;
    if (!id) return true;
    if (this.seen.has(id)) return false;
    this.seen.add(id);
    this.order.push(id);
    if (this.order.length > this.limit) this.seen.delete(this.order.shift()!);
    return true;
  }
}
