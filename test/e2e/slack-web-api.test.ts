import { WebClient } from '@slack/web-api';
import { target } from './harness/target';
import { newTeam, person } from './support';

/** Clients written for Slack's Web API work against this API by pointing slackApiUrl here. */
describe('the official @slack/web-api WebClient', () => {
  test('works for the messaging methods', async () => {
    const team = newTeam();
    const [alice, bob] = await Promise.all([person('alice', team), person('bob', team)]);
    const slackApiUrl = `${target().httpApiUrl}/api/`;
    const options = { slackApiUrl, retryConfig: { retries: 0 } };
    const asAlice = new WebClient(alice.token, options);
    const asBob = new WebClient(bob.token, options);

    const me = await asAlice.auth.test();
    expect(me.user_id).toBe(alice.userId);
    const created = await asAlice.conversations.create({ name: 'from-webclient' });
    const channel = created.channel!.id!;
    await asBob.conversations.join({ channel });
    const posted = await asBob.chat.postMessage({ channel, text: 'hi from the SDK' });
    expect(posted.ok).toBe(true);
    const reply = await asAlice.chat.postMessage({ channel, text: 'a reply', thread_ts: posted.ts });
    const history = await asAlice.conversations.history({ channel, limit: 10 });
    expect(history.messages?.map((m) => m.ts)).toEqual([posted.ts]);
    const replies = await asAlice.conversations.replies({ channel, ts: posted.ts! });
    expect(replies.messages?.map((m) => m.ts)).toEqual([posted.ts, reply.ts]);
    const info = await asBob.users.info({ user: alice.userId });
    expect(info.user?.name).toBe('alice');
    const members = await asAlice.conversations.members({ channel });
    expect(members.members?.sort()).toEqual([alice.userId, bob.userId].sort());
    const list = await asBob.conversations.list({ types: 'public_channel' });
    expect(list.channels?.some((c) => c.id === channel && c.is_member)).toBe(true);
    const dm = await asAlice.conversations.open({ users: bob.userId });
    expect(dm.channel?.id).toMatch(/^D/);

    // Errors arrive as the SDK's platform errors with Slack's codes.
    await expect(asBob.conversations.create({ name: 'from-webclient' })).rejects.toMatchObject({ data: { ok: false, error: 'name_taken' } });
    // Paginated iteration follows next_cursor.
    const pages: string[] = [];
    for await (const page of asAlice.paginate('users.list', { limit: 1 })) {
      pages.push(...(((page as { members?: Array<{ id: string }> }).members) ?? []).map((m) => m.id));
    }
    expect(pages.sort()).toEqual([alice.userId, bob.userId].sort());
  });
});
