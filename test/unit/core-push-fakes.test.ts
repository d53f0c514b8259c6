import { pushForChange, PushRetry, type PushContext, type PushNotification, type PushOutcome } from '../../lambdas/core/push';
import type { Change } from '../../lambdas/core/events';
import { DEFAULT_PREFS, type NotificationPrefs } from '../../lambdas/core/notify';
import { usePorts } from '../../lambdas/core/ports';
import type { ChatTable } from '../../lambdas/model/table';
import type { PushSubscriptionItem } from '../../lambdas/model/service';
import { recordingDelivery } from './fakes/ports';
import { createMobileEndpoint, sendMobilePush, snsMessage, type SnsLike } from '../../lambdas/adapters/sns-push';
import { endpointProblem } from '../../lambdas/core/push-endpoint';

/*
 * The push decision with the table faked: who is a candidate (members, or only those mentioned in a
 * hot channel), shouldNotify, offline only, hide content, one claim per (message, device), 410s, and
 * retries giving their claims back. Also the SNS adapter against a fake client.
 */

const TS = '01HF0000000000000000000001';
const messageChange = (channelId: string, text: string, extra: Record<string, unknown> = {}, kind: Change['kind'] = 'INSERT'): Change => ({
  id: 'rec-1',
  kind,
  newItem: { __edb_e__: 'message', __edb_v__: '1', pk: `CH#${channelId}`, sk: `MSG#${TS}`, channelId, ts: TS, threadTs: TS, teamId: 'T1', userId: 'UALICE', text, ...extra },
});

interface State {
  channels: Map<string, { channelId: string; name: string; kind: 'public' | 'im'; memberCount: number }>;
  members: Map<string, string[]>;
  subscriptions: Map<string, PushSubscriptionItem[]>;
  online: Set<string>;
  prefs: Map<string, NotificationPrefs>;
  claims: Set<string>;
  removed: string[];
  membershipReads: number;
  memberListReads: number;
  prefsReads: number;
  subscriptionReads: number;
}

let state: State;
const sent: Array<{ to: string; n: PushNotification }> = [];
let outcome: (s: PushSubscriptionItem) => PushOutcome;

function install() {
  const key = (m: { channelId: string; ts: string; userId: string; deviceId: string }) => `${m.channelId}/${m.ts}/${m.userId}/${m.deviceId}`;
  const table = {
    channels: { get: async (id: string) => state.channels.get(id) },
    memberships: {
      allMembers: async (id: string) => {
        state.memberListReads++;
        return state.members.get(id) ?? [];
      },
      get: async (channelId: string, userId: string) => {
        state.membershipReads++;
        return state.members.get(channelId)?.includes(userId) ? { channelId, userId } : undefined;
      },
    },
    connections: { ofUser: async (u: string) => (state.online.has(u) ? [{ connectionId: `c-${u}` }] : []) },
    messages: { get: async (_c: string, ts: string) => (ts === 'PARENT' ? { userId: 'UCAROL', replyUsers: ['UBOB'] } : undefined) },
    users: { get: async (_t: string, u: string) => ({ userId: u, name: u.slice(1).toLowerCase() }) },
    prefs: {
      notificationPrefsOf: async (users: string[]) => {
        state.prefsReads++;
        return new Map(users.map((u) => [u, state.prefs.get(u) ?? DEFAULT_PREFS]));
      },
    },
    push: {
      ofUser: async (u: string) => {
        state.subscriptionReads++;
        return state.subscriptions.get(u) ?? [];
      },
      claimSend: async (m: { channelId: string; ts: string; userId: string; deviceId: string }) => (state.claims.has(key(m)) ? false : (state.claims.add(key(m)), true)),
      releaseSend: async (m: { channelId: string; ts: string; userId: string; deviceId: string }) => void state.claims.delete(key(m)),
      removeIfEndpoint: async (u: string, d: string) => void state.removed.push(`${u}/${d}`),
    },
  };
  usePorts({ table: table as unknown as ChatTable, delivery: recordingDelivery().delivery });
}

const device = (userId: string, deviceId: string): PushSubscriptionItem => ({ userId, deviceId, teamId: 'T1', kind: 'webpush', endpoint: `https://push.example.com/${deviceId}`, p256dh: 'k', auth: 'a', createdAt: 0 });
const ctx: PushContext = {
  send: async (s, n) => {
    sent.push({ to: `${s.userId}/${s.deviceId}`, n });
    return outcome(s);
  },
  ttlSeconds: 60,
  concurrency: 4,
};

beforeEach(() => {
  state = {
    channels: new Map([
      ['CGEN', { channelId: 'CGEN', name: 'general', kind: 'public', memberCount: 3 }],
      ['DAB', { channelId: 'DAB', name: 'dm', kind: 'im', memberCount: 2 }],
      ['CHOT', { channelId: 'CHOT', name: 'all-hands', kind: 'public', memberCount: 5000 }],
    ]),
    members: new Map([['CGEN', ['UALICE', 'UBOB', 'UCAROL']], ['DAB', ['UALICE', 'UBOB']], ['CHOT', ['UALICE', 'UBOB', 'UCAROL']]]),
    subscriptions: new Map([['UBOB', [device('UBOB', 'laptop'), device('UBOB', 'phone')]], ['UCAROL', [device('UCAROL', 'laptop')]], ['UALICE', [device('UALICE', 'laptop')]]]),
    online: new Set(),
    prefs: new Map(),
    claims: new Set(),
    removed: [],
    membershipReads: 0,
    memberListReads: 0,
    prefsReads: 0,
    subscriptionReads: 0,
  };
  sent.length = 0;
  outcome = () => 'sent';
  install();
});
afterEach(() => usePorts(undefined));

test('a DM pushes to every device of the offline recipient, never to the author', async () => {
  const stats = await pushForChange(messageChange('DAB', 'lunch?'), ctx);
  expect(sent.map((s) => s.to).sort()).toEqual(['UBOB/laptop', 'UBOB/phone']);
  expect(sent[0].n).toEqual({ title: 'alice', body: 'lunch?', channel: 'DAB', ts: TS });
  expect(stats).toMatchObject({ sent: 2, notified: 1 });
});

test('a channel message notifies the mentioned members only (default level), and not while they are online', async () => {
  state.online.add('UCAROL');
  await pushForChange(messageChange('CGEN', 'hey <@UBOB> and <@UCAROL|carol>'), ctx);
  expect(sent.map((s) => s.to).sort()).toEqual(['UBOB/laptop', 'UBOB/phone']);
  expect(sent[0].n.body).toBe('hey @UBOB and @carol');
  expect(sent[0].n.title).toBe('alice in #general');
});

test("a member whose level is 'all' is pushed for every message; 'nothing' and mute never", async () => {
  state.prefs.set('UCAROL', { ...DEFAULT_PREFS, level: 'all' });
  state.prefs.set('UBOB', { ...DEFAULT_PREFS, muted: ['DAB'] });
  await pushForChange(messageChange('CGEN', 'plain'), ctx);
  await pushForChange({ ...messageChange('DAB', 'muted dm'), id: 'rec-2' }, ctx);
  expect(sent.map((s) => s.to)).toEqual(['UCAROL/laptop']);
});

test('a plain channel message at the default level decides from one preferences read, and reads no subscriptions', async () => {
  const stats = await pushForChange(messageChange('CGEN', 'plain'), ctx);
  expect(sent).toEqual([]);
  expect(stats).toMatchObject({ considered: 2, notified: 0 });
  expect(state.prefsReads).toBe(1);
  expect(state.subscriptionReads).toBe(0);
});

test('hide content drops the text, keeps who and where', async () => {
  state.prefs.set('UBOB', { ...DEFAULT_PREFS, hideContent: true });
  await pushForChange(messageChange('DAB', 'secret'), ctx);
  expect(sent[0].n).toEqual({ title: 'alice', channel: 'DAB', ts: TS });
});

test('in a hot channel the member list is not read: only mentioned members (each checked) are candidates, and a mention of a non-member is dropped', async () => {
  state.prefs.set('UCAROL', { ...DEFAULT_PREFS, level: 'all' });
  await pushForChange(messageChange('CHOT', '<@UBOB> <@UZED> <!channel>'), { ...ctx });
  expect(state.memberListReads).toBe(0);
  expect(state.membershipReads).toBe(2);
  expect(sent.map((s) => s.to).sort()).toEqual(['UBOB/laptop', 'UBOB/phone']);
});

test('a thread reply notifies those who wrote in the thread (parent author, repliers), not other members', async () => {
  await pushForChange(messageChange('CGEN', 'agreed', { threadTs: 'PARENT' }), ctx);
  expect(sent.map((s) => s.to).sort()).toEqual(['UBOB/laptop', 'UBOB/phone', 'UCAROL/laptop']);
  expect(sent[0].n.thread_ts).toBe('PARENT');
});

test('mentions the send path stored on the message (members only) are taken as they are, with no membership reads', async () => {
  await pushForChange(messageChange('CHOT', 'hi <@UBOB> <@UCAROL>', { mentions: ['UCAROL'] }), ctx);
  expect(state.membershipReads).toBe(0);
  expect(sent.map((s) => s.to)).toEqual(['UCAROL/laptop']);
});

test('a replayed record pushes nothing twice', async () => {
  await pushForChange(messageChange('DAB', 'once'), ctx);
  const again = await pushForChange(messageChange('DAB', 'once'), ctx);
  expect(sent).toHaveLength(2);
  expect(again.duplicates).toBe(2);
});

test('a 410 removes that device; a retryable failure gives the claim back and fails the record; a retry pushes only what had failed', async () => {
  outcome = (s) => (s.deviceId === 'phone' ? 'retry' : 'gone');
  await expect(pushForChange(messageChange('DAB', 'x'), ctx)).rejects.toBeInstanceOf(PushRetry);
  expect(state.removed).toEqual(['UBOB/laptop']);
  outcome = () => 'sent';
  sent.length = 0;
  await pushForChange(messageChange('DAB', 'x'), ctx);
  expect(sent.map((s) => s.to)).toEqual(['UBOB/phone']);
});

test('edits, deletions, tombstones and other items push nothing', async () => {
  await pushForChange(messageChange('DAB', 'edited', {}, 'MODIFY'), ctx);
  await pushForChange(messageChange('DAB', 'gone', { deleted: true }), ctx);
  await pushForChange({ id: 'x', kind: 'INSERT', newItem: { pk: 'CONN#1', sk: 'CONN' } }, ctx);
  expect(sent).toEqual([]);
});

test('endpoints: https to public hosts only; 127.0.0.1 only when allowed', () => {
  expect(endpointProblem('https://fcm.googleapis.com/fcm/send/abc', false)).toBeUndefined();
  expect(endpointProblem('https://updates.push.services.mozilla.com/wpush/v2/x', false)).toBeUndefined();
  for (const bad of ['http://fcm.googleapis.com/x', 'https://10.0.0.8/x', 'https://[fd00::1]/x', 'https://[::ffff:127.0.0.1]/x', 'https://user:pw@push.example.com/', 'https://metadata/x', 'ftp://x.example/', 'https://0x7f000001/x', 'https://169.254.169.254/']) {
    expect([bad, endpointProblem(bad, false)]).toEqual([bad, expect.any(String)]);
  }
  expect(endpointProblem('http://127.0.0.1:9999/push/1', false)).toBeDefined();
  expect(endpointProblem('http://127.0.0.1:9999/push/1', true)).toBeUndefined();
  expect(endpointProblem('http://10.0.0.1:9999/push/1', true)).toBeDefined();
});

describe('SNS mobile adapter (fake client: not exercised end to end)', () => {
  const fake = (fail?: string): SnsLike & { calls: unknown[] } => {
    const calls: unknown[] = [];
    return {
      calls,
      createPlatformEndpoint: async (PlatformApplicationArn, Token) => {
        calls.push({ name: 'CreatePlatformEndpoint', input: { PlatformApplicationArn, Token } });
        return 'arn:aws:sns:us-east-1:1:endpoint/GCM/app/1';
      },
      publish: async (TargetArn, Message) => {
        calls.push({ name: 'Publish', input: { TargetArn, Message } });
        if (fail) throw Object.assign(new Error(fail), { name: fail });
      },
    };
  };

  test('a push is the token made an endpoint, then one Publish with a message per platform', async () => {
    const client = fake();
    expect(await sendMobilePush('arn:aws:sns:us-east-1:1:app/GCM/app', 'tok-12345678', { title: 'alice', body: 'hi', channel: 'D1', ts: TS }, 60, client)).toBe('sent');
    expect(client.calls).toEqual([
      { name: 'CreatePlatformEndpoint', input: { PlatformApplicationArn: 'arn:aws:sns:us-east-1:1:app/GCM/app', Token: 'tok-12345678' } },
      { name: 'Publish', input: { TargetArn: 'arn:aws:sns:us-east-1:1:endpoint/GCM/app/1', Message: expect.stringContaining('"GCM"') } },
    ]);
    expect(await createMobileEndpoint('arn:app', 'tok', fake())).toBe('arn:aws:sns:us-east-1:1:endpoint/GCM/app/1');
  });

  test('hidden content stays hidden on every platform; a disabled endpoint is gone, throttling is retry', async () => {
    const message = JSON.parse(snsMessage({ title: 'alice', channel: 'D1', ts: TS }, 60)) as Record<string, string>;
    for (const platform of ['APNS', 'APNS_SANDBOX', 'GCM']) expect(message[platform]).not.toContain('"body"');
    expect(JSON.parse(message.APNS).aps.alert).toEqual({ title: 'alice' });
    expect(await sendMobilePush('arn:app', 'tok', { title: 't', channel: 'D1', ts: TS }, 60, fake('EndpointDisabledException'))).toBe('gone');
    expect(await sendMobilePush('arn:app', 'tok', { title: 't', channel: 'D1', ts: TS }, 60, fake('ThrottledException'))).toBe('retry');
  });
});
