import { GRANT_MS, makeReadGrant, readGrantHolds, readGrantMaker, useGrantKey } from '../../lambdas/core/read-grants';
import type { Caller } from '../../lambdas/core/caller';

/* Read grants: a member's signed word for one hot channel, refused once anything about it is off. */

const ALICE: Caller = { userId: 'UALICE', teamId: 'T1', userName: 'alice' };
const NOW = 1_800_000_000_000;

beforeEach(() => useGrantKey(Buffer.alloc(32, 7)));
afterEach(() => useGrantKey(undefined));

test('a grant holds for its maker, channel and workspace, for GRANT_MS', async () => {
  const grant = (await readGrantMaker(ALICE, NOW))('CHOT')!;
  expect(grant.length).toBeLessThan(64);
  expect(await readGrantHolds(grant, ALICE, 'CHOT', 0, NOW)).toBe(true);
  expect(await readGrantHolds(grant, ALICE, 'CHOT', 0, NOW + GRANT_MS - 1)).toBe(true);
  expect(await readGrantHolds(grant, ALICE, 'CHOT', 0, NOW + GRANT_MS)).toBe(false);
  expect(await readGrantHolds(grant, { ...ALICE, userId: 'UBOB' }, 'CHOT', 0, NOW)).toBe(false);
  expect(await readGrantHolds(grant, { ...ALICE, teamId: 'T2' }, 'CHOT', 0, NOW)).toBe(false);
  expect(await readGrantHolds(grant, ALICE, 'COTHER', 0, NOW)).toBe(false);
});

test('a removal from the channel voids every grant made before it, and those made just after it (clock margin)', async () => {
  const grant = (await readGrantMaker(ALICE, NOW))('CHOT')!;
  expect(await readGrantHolds(grant, ALICE, 'CHOT', NOW - 2_001, NOW)).toBe(true);
  expect(await readGrantHolds(grant, ALICE, 'CHOT', NOW - 2_000, NOW)).toBe(false);
  expect(await readGrantHolds(grant, ALICE, 'CHOT', NOW + 5, NOW + 10)).toBe(false);
});

test('forged, altered, future or malformed grants are refused; another key voids them all', async () => {
  const grant = (await readGrantMaker(ALICE, NOW))('CHOT')!;
  const [time, sig] = grant.split('.');
  const later = `${(NOW + 60_000).toString(36)}.${sig}`;
  const flipped = `${time}.${sig[0] === 'A' ? 'B' : 'A'}${sig.slice(1)}`;
  for (const bad of [undefined, '', later, flipped, `${time}.`, `.${sig}`, `${grant}.x`, `zzzzzzzzzzzz.${sig}`, 'x'.repeat(65), `${time}.${sig.slice(0, 10)}`]) {
    expect(await readGrantHolds(bad, ALICE, 'CHOT', 0, NOW + 60_000)).toBe(false);
  }
  const future = (await readGrantMaker(ALICE, NOW + 60_000))('CHOT');
  expect(await readGrantHolds(future, ALICE, 'CHOT', 0, NOW)).toBe(false);
  useGrantKey(Buffer.alloc(32, 8));
  expect(await readGrantHolds(grant, ALICE, 'CHOT', 0, NOW)).toBe(false);
});

test('makeReadGrant signs now', async () => {
  const grant = await makeReadGrant(ALICE, 'CHOT');
  expect(await readGrantHolds(grant, ALICE, 'CHOT', 0)).toBe(true);
});

test('a function without the media signing key makes no grants and honours none', async () => {
  const grant = (await readGrantMaker(ALICE, NOW))('CHOT')!;
  useGrantKey(undefined);
  const saved = { pem: process.env.MEDIA_SIGNING_KEY_PEM, arn: process.env.MEDIA_SIGNING_KEY_SECRET_ARN };
  delete process.env.MEDIA_SIGNING_KEY_PEM;
  delete process.env.MEDIA_SIGNING_KEY_SECRET_ARN;
  try {
    expect(await makeReadGrant(ALICE, 'CHOT')).toBeUndefined();
    expect(await readGrantHolds(grant, ALICE, 'CHOT', 0, NOW)).toBe(false);
  } finally {
    if (saved.pem !== undefined) process.env.MEDIA_SIGNING_KEY_PEM = saved.pem;
    if (saved.arn !== undefined) process.env.MEDIA_SIGNING_KEY_SECRET_ARN = saved.arn;
  }
});
