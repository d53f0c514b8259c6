/**
 * Waits until a local cloud's stream has drained: the poller read and delivered nothing new over
 * three polls and the event-source function is idle. Suites that write a burst call it before they
 * end, so the next suite's live events do not queue behind their fan-out backlog.
 */
export async function waitForStreamDrain(httpApiUrl: string, timeoutMs = 300_000, pollMs = 2000): Promise<void> {
  let last = '';
  let quiet = 0;
  for (const deadline = Date.now() + timeoutMs; quiet < 3 && Date.now() < deadline; ) {
    await new Promise((r) => setTimeout(r, pollMs));
    // eslint-disable-next-line @typescript-eslint/no-explicit-any -- JSON answer of a local endpoint
    const s: any = await (await fetch(`${httpApiUrl}/dev/stats`)).json();
    const es = s.eventSources?.[0] ?? {};
    const inFlight = Number(s.functions?.[es.functionId]?.inFlight ?? 0);
    const now = `${es.received}/${es.delivered}/${es.discarded}`;
    quiet = now === last && inFlight === 0 ? quiet + 1 : 0;
    last = now;
  }
}
