import { api } from './harness/target';
import { call, callFails, eventually, newTeam, person, type Person } from './support';

/*
 * search.messages end to end: messages go through the table's stream into the index (its own
 * event source), and every search reads what the caller may read from the table at that moment.
 */

type Match = { channel: { id: string; name: string }; user: string; username: string; ts: string; text: string; permalink: string; thread_ts?: string; iid: string; team: string };
const HL = { start: '\ue000', end: '\ue001' };

async function search(who: Person, query: string, extra: Record<string, unknown> = {}) {
  const out = await call(who.token, 'search.messages', { query, ...extra });
  return out as { query: string; messages: { total: number; matches: Match[]; paging: Record<string, number>; pagination: Record<string, number> } };
}
const texts = async (who: Person, query: string, extra: Record<string, unknown> = {}) => (await search(who, query, extra)).messages.matches.map((m) => m.text).sort();

/** Waits until the index holds a message the query finds (the stream is asynchronous by design). */
async function indexed(who: Person, query: string, count = 1) {
  return eventually(async () => {
    const found = await search(who, query);
    return found.messages.total >= count ? found : undefined;
  }, 15_000, 100);
}
/** Waits until the query finds nothing (a delete or an edit has reached the index). */
const gone = (who: Person, query: string) => eventually(async () => ((await search(who, query)).messages.total === 0 ? true : undefined), 15_000, 100);

const today = new Date().toISOString().slice(0, 10);

describe('search.messages', () => {
  const team = newTeam();
  let alice: Person;
  let bob: Person;
  let carol: Person;
  let mallory: Person; // another workspace
  let general: string;
  let secret: string; // private: alice and bob
  let dm: string; // alice and bob
  const tag = `z${Date.now().toString(36)}`; // a word no other test's messages hold

  beforeAll(async () => {
    [alice, bob, carol] = await Promise.all(['alice', 'bob', 'carol'].map((n) => person(n, team)));
    mallory = await person('mallory', newTeam());
    general = (await call(alice.token, 'conversations.create', { name: 'general' })).channel.id;
    await call(bob.token, 'conversations.join', { channel: general });
    secret = (await call(alice.token, 'conversations.create', { name: 'secret', is_private: true })).channel.id;
    await call(alice.token, 'conversations.invite', { channel: secret, users: bob.userId });
    dm = (await call(alice.token, 'conversations.open', { users: bob.userId })).channel.id;

    const post = (who: Person, channel: string, text: string, more: Record<string, unknown> = {}) => call(who.token, 'chat.postMessage', { channel, text, ...more });
    const parent = await post(alice, general, `${tag} Release notes for the Café launch`);
    await post(bob, general, `${tag} the release went fine, see https://example.com/notes`, { thread_ts: parent.ts });
    await post(bob, general, `${tag} lunch plans anyone`);
    await post(alice, secret, `${tag} private budget numbers`);
    await post(bob, dm, `${tag} direct hello alice`);
    const reacted = await post(alice, general, `${tag} ship it today`);
    await call(bob.token, 'reactions.add', { channel: general, timestamp: reacted.ts, name: 'tada' });
    await indexed(alice, tag, 6);
    await eventually(async () => ((await search(alice, `${tag} has:reaction`)).messages.total === 1 ? true : undefined), 15_000, 100);
  });

  test("Slack's response shape: matches with channel, user, username, ts, text, permalink; total, paging and pagination", async () => {
    const found = await search(alice, `${tag} release`);
    expect(found.query).toBe(`${tag} release`);
    expect(found.messages.total).toBe(2);
    const parent = found.messages.matches.find((m) => m.text.includes('Café'))!;
    expect(parent).toMatchObject({ type: 'message', team: alice.teamId, user: alice.userId, username: 'alice', channel: { id: general, name: 'general', is_channel: true, is_private: false } });
    expect(parent.permalink).toContain(`/archives/${general}/p${parent.ts}`);
    expect(parent.iid).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-/);
    const reply = found.messages.matches.find((m) => m.text.includes('went fine'))!;
    expect(reply.thread_ts).toBe(parent.ts);
    expect(reply.permalink).toContain(`thread_ts=${parent.ts}`);

    const page = await search(alice, tag, { count: 2, page: 2, sort: 'timestamp', sort_dir: 'asc' });
    expect(page.messages.matches).toHaveLength(2);
    expect(page.messages.paging).toEqual({ count: 2, total: 6, page: 2, pages: 3 });
    expect(page.messages.pagination).toEqual({ total_count: 6, page: 2, per_page: 2, page_count: 3, first: 3, last: 4 });
    const all = (await search(alice, tag, { sort: 'timestamp', sort_dir: 'asc' })).messages.matches.map((m) => m.ts);
    expect(all).toEqual([...all].sort());
    expect(page.messages.matches.map((m) => m.ts)).toEqual(all.slice(2, 4));
  });

  test('highlight=true wraps matched words in \\ue000 … \\ue001; case and accents fold; the last word is a prefix', async () => {
    const [m] = (await search(alice, `${tag} CAFE`, { highlight: true })).messages.matches;
    expect(m.text).toContain(`${HL.start}Café${HL.end}`);
    expect(await texts(alice, `${tag} bud`)).toEqual([`${tag} private budget numbers`]);
    expect((await search(alice, `${tag} bud `)).messages.total).toBe(0);
  });

  test('words, "quoted phrases" and -word', async () => {
    expect(await texts(alice, `${tag} "release notes"`)).toEqual([`${tag} Release notes for the Café launch`]);
    expect(await texts(alice, `${tag} "notes release"`)).toEqual([]);
    expect(await texts(alice, `${tag} release -fine`)).toEqual([`${tag} Release notes for the Café launch`]);
  });

  test('in:#channel, in:<#C…>, in:@user (a DM), from:@user, from:<@U…>', async () => {
    expect(await texts(alice, `${tag} in:#secret`)).toEqual([`${tag} private budget numbers`]);
    expect(await texts(alice, `${tag} in:<#${secret}|secret>`)).toEqual([`${tag} private budget numbers`]);
    expect(await texts(alice, `${tag} in:@bob`)).toEqual([`${tag} direct hello alice`]);
    expect(await texts(bob, `${tag} in:@alice`)).toEqual([`${tag} direct hello alice`]);
    expect((await search(alice, `${tag} from:@bob`)).messages.total).toBe(3);
    expect((await search(alice, `${tag} from:<@${alice.userId}>`)).messages.total).toBe(3);
    expect((await search(alice, `${tag} from:me in:#general`)).messages.total).toBe(2);
    expect((await search(alice, `${tag} from:@nobody`)).messages.total).toBe(0);
  });

  test('before:, after:, on:, during: and has:link, has:reaction, is:thread', async () => {
    expect((await search(alice, `${tag} on:${today}`)).messages.total).toBe(6);
    expect((await search(alice, `${tag} during:${today.slice(0, 7)}`)).messages.total).toBe(6);
    expect((await search(alice, `${tag} before:${today}`)).messages.total).toBe(0);
    expect((await search(alice, `${tag} after:2020-01-01`)).messages.total).toBe(6);
    expect((await search(alice, `${tag} after:${today}`)).messages.total).toBe(0);
    expect(await texts(alice, `${tag} has:link`)).toEqual([`${tag} the release went fine, see https://example.com/notes`]);
    expect(await texts(alice, `${tag} has:reaction`)).toEqual([`${tag} ship it today`]);
    expect(await texts(alice, `${tag} is:thread`)).toEqual([`${tag} Release notes for the Café launch`, `${tag} the release went fine, see https://example.com/notes`]);
    expect((await search(alice, `has:link in:#general from:@bob`)).messages.total).toBeGreaterThanOrEqual(1);
  });

  test('only what the caller may read: public channels, their own private channels and DMs; never another workspace', async () => {
    // carol is in the workspace but in none of the conversations: the public channel only.
    expect((await search(carol, tag)).messages.matches.every((m) => m.channel.id === general)).toBe(true);
    expect((await search(carol, tag)).messages.total).toBe(4);
    expect((await search(carol, `${tag} in:#secret`)).messages.total).toBe(0);
    expect((await search(carol, `${tag} in:<#${dm}>`)).messages.total).toBe(0);
    expect((await search(mallory, tag)).messages.total).toBe(0);
    expect((await search(mallory, `${tag} in:<#${general}>`)).messages.total).toBe(0);
  });

  test('bad queries get Slack\'s errors, never a 500', async () => {
    expect(await callFails(alice.token, 'search.messages', {})).toBe('no_query');
    expect(await callFails(alice.token, 'search.messages', { query: '   ' })).toBe('no_query');
    expect(await callFails(alice.token, 'search.messages', { query: 'x'.repeat(1001) })).toBe('invalid_arguments');
    expect(await callFails(alice.token, 'search.messages', { query: 'x on:2024-13-01' })).toBe('invalid_arguments');
    expect(await callFails(alice.token, 'search.messages', { query: 'x', sort: 'best' })).toBe('invalid_arguments');
    expect(await callFails(alice.token, 'search.messages', { query: 'x', page: 101 })).toBe('invalid_arguments');
    for (const query of ['"', 'NEAR(a b)', 'a OR', '*', '-', 'x AND "', '^x', "it's", 'in:<#', 'from:<@']) {
      const res = await api(alice.token, 'search.messages', { query });
      expect(res.status).toBe(200);
    }
    const get = await api(alice.token, 'search.messages', { query: tag }, { get: true });
    expect(get.body).toMatchObject({ ok: true });
    const all = await call(alice.token, 'search.all', { query: tag });
    expect(all.messages.total).toBe(6);
    expect(all.files).toMatchObject({ total: 0, matches: [] });
  });

  test('an edit is searchable as edited; a delete vanishes', async () => {
    const word = `${tag}edit`;
    const posted = await call(bob.token, 'chat.postMessage', { channel: general, text: `${word} original wording` });
    await indexed(bob, `${word} original`);
    await call(bob.token, 'chat.update', { channel: general, ts: posted.ts, text: `${word} corrected wording` });
    const after = await indexed(bob, `${word} corrected`);
    expect(after.messages.matches[0]).toMatchObject({ ts: posted.ts, edited: { user: bob.userId } });
    expect((await search(bob, `${word} original`)).messages.total).toBe(0);
    await call(bob.token, 'chat.delete', { channel: general, ts: posted.ts });
    await gone(bob, word);
  });

  test('leaving a private channel, or being kicked, removes its messages from the results', async () => {
    const room = (await call(alice.token, 'conversations.create', { name: `room-${tag}`, is_private: true })).channel.id;
    await call(alice.token, 'conversations.invite', { channel: room, users: `${bob.userId},${carol.userId}` });
    const word = `${tag}room`;
    await call(alice.token, 'chat.postMessage', { channel: room, text: `${word} quarterly plan` });
    await indexed(bob, word);
    await indexed(carol, word);
    await call(bob.token, 'conversations.leave', { channel: room });
    expect((await search(bob, word)).messages.total).toBe(0);
    await call(alice.token, 'conversations.kick', { channel: room, user: carol.userId });
    expect((await search(carol, word)).messages.total).toBe(0);
    expect((await search(alice, word)).messages.total).toBe(1);
  });

  test('fresh: a message is findable within 5 s of being stored', async () => {
    const samples: number[] = [];
    for (let i = 0; i < 5; i++) {
      const word = `${tag}fresh${i}`;
      await call(alice.token, 'chat.postMessage', { channel: general, text: `${word} just now` });
      const stored = Date.now();
      await indexed(alice, word);
      samples.push(Date.now() - stored);
    }
    console.log(`search freshness (ms from chat.postMessage's reply to findable): ${samples.join(', ')}; max ${Math.max(...samples)}`);
    expect(Math.max(...samples)).toBeLessThan(5_000);
  });
});
