import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { crc32, deflateSync } from 'node:zlib';
import { getSignedUrl } from '@aws-sdk/cloudfront-signer';
import { api, isLocal, target } from './harness/target';
import type { WsClient } from './harness/ws-client';
import { call, LIVE_MS, callFails, newTeam, online, person, sleep, syncAll, type Person } from './support';

/** A valid PNG of `width` x `height` RGB pixels (zlib-compressed scanlines, CRC'd chunks). */
function png(width: number, height: number): Buffer {
  const chunk = (type: string, data: Buffer) => {
    const length = Buffer.alloc(4);
    length.writeUInt32BE(data.length);
    const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(crc32(body));
    return Buffer.concat([length, body, crc]);
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr.set([8, 2, 0, 0, 0], 8); // 8-bit RGB, deflate, no filter method variants, no interlace
  const row = Buffer.alloc(1 + width * 3);
  for (let x = 0; x < width; x++) row.set([(x * 40) % 256, 120, 200], 1 + x * 3);
  const raw = Buffer.concat(Array.from({ length: height }, () => row));
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    chunk('IDAT', deflateSync(raw)),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

interface Upload {
  upload_url: string;
  file_id: string;
  upload_fields: Record<string, string>;
}

/** A browser-style form POST to the presigned URL; the file goes last, as S3 requires. */
async function postForm(upload: Upload, bytes: Buffer, overrides: Record<string, string> = {}) {
  const form = new FormData();
  for (const [k, v] of Object.entries({ ...upload.upload_fields, ...overrides })) form.append(k, v);
  form.append('file', new Blob([bytes], { type: overrides['Content-Type'] ?? upload.upload_fields['Content-Type'] }), 'upload.bin');
  const res = await fetch(upload.upload_url, { method: 'POST', body: form });
  return { status: res.status, text: await res.text() };
}

const TYPES: Record<string, string> = { png: 'image/png', txt: 'text/plain' };

/** The presigned POST, as the web client asks for it (with `content_type`; Slack's clients, without it, get Slack's upload URL). */
async function uploadUrl(who: Person, filename: string, length: number, contentType = TYPES[filename.split('.').pop() ?? '']): Promise<Upload> {
  return (await call(who.token, 'files.getUploadURLExternal', { filename, length, content_type: contentType })) as unknown as Upload;
}

describe('files: presigned upload, completion into a channel, signed url_private', () => {
  const team = newTeam();
  const image = png(3, 2);
  let alice: Person;
  let bob: Person;
  let carol: Person; // same workspace, not in the channel
  let mallory: Person; // another workspace
  let channel: string;
  const sockets: WsClient[] = [];

  beforeAll(async () => {
    [alice, bob, carol] = await Promise.all(['alice', 'bob', 'carol'].map((n) => person(n, team)));
    mallory = await person('mallory', newTeam());
    channel = (await call(alice.token, 'conversations.create', { name: 'pictures' })).channel.id;
    await call(bob.token, 'conversations.join', { channel });
  });
  afterAll(async () => {
    await Promise.all(sockets.map((s) => s.close()));
  });

  test('getUploadURLExternal: a presigned POST under a server-chosen key, held to the declared length and type', async () => {
    const up = await uploadUrl(alice, '../../etc/My Photo (1).png', image.length);
    expect(up.file_id).toMatch(/^F[0-9A-Z]{10,}$/);
    expect(up.upload_url).toMatch(/^https?:\/\//);
    expect(up.upload_fields.key).toMatch(new RegExp(`^uploads/pending/${alice.teamId}/${up.file_id}/My_Photo_1_.png$`));
    expect(up.upload_fields['Content-Type']).toBe('image/png');
    const policy = JSON.parse(Buffer.from(up.upload_fields.Policy, 'base64').toString('utf8'));
    expect(policy.conditions).toEqual(expect.arrayContaining([['content-length-range', image.length, image.length], ['eq', '$Content-Type', 'image/png']]));
    expect(Date.parse(policy.expiration) - Date.now()).toBeLessThanOrEqual(5 * 60 * 1000 + 5000);

    // The store itself refuses what was not declared.
    const tooBig = await postForm(up, Buffer.concat([image, Buffer.from([0])]));
    expect(tooBig.status).toBe(400);
    expect(tooBig.text).toContain('<Code>EntityTooLarge</Code>');
    const tooSmall = await postForm(up, image.subarray(0, image.length - 1));
    expect(tooSmall.status).toBe(400);
    expect(tooSmall.text).toContain('<Code>EntityTooSmall</Code>');
    const wrongType = await postForm(up, image, { 'Content-Type': 'text/html' });
    expect(wrongType.status).toBe(403);
    expect(wrongType.text).toContain('<Code>AccessDenied</Code>');
    const otherKey = await postForm(up, image, { key: `files/${alice.teamId}/elsewhere.png` });
    expect(otherKey.status).toBe(403);
    const forged = await postForm(up, image, { 'X-Amz-Signature': '0'.repeat(64) });
    expect(forged.status).toBe(403);
    // None of those left an object to complete.
    expect(await callFails(alice.token, 'files.completeUploadExternal', { files: [{ id: up.file_id }] })).toBe('file_not_found');
  });

  test('arguments: length and filename checked, type from the name', async () => {
    for (const length of [0, -1, 1.5, 'ten', 200 * 1024 * 1024]) {
      const res = await api(alice.token, 'files.getUploadURLExternal', { filename: 'a.png', length });
      expect(res.body).toMatchObject({ ok: false, error: 'invalid_arguments' });
      expect(res.body.detail).toMatch(/length/);
    }
    expect((await api(alice.token, 'files.getUploadURLExternal', { length: 5 })).body).toMatchObject({ ok: false, error: 'invalid_arguments', detail: 'filename' });
    expect((await api(alice.token, 'files.getUploadURLExternal', { filename: 'a', length: 5, content_type: 'not a type' })).body)
      .toMatchObject({ ok: false, error: 'invalid_arguments', detail: 'content_type' });
    // Form bodies send numbers as strings; without content_type, Slack's upload URL.
    const form = await api(alice.token, 'files.getUploadURLExternal', { filename: 'notes.txt', length: '12' }, { form: true });
    expect(form.body.ok).toBe(true);
    expect(form.body.upload_url).toMatch(new RegExp(`^${target().httpApiUrl}/upload/v1/${form.body.file_id}\\?s=[\\w-]{43}$`));
    expect(form.body.upload_fields).toBeUndefined();
    // Past what a function can take (4 MiB), the presigned POST, its type from the name.
    const unknown = await call(alice.token, 'files.getUploadURLExternal', { filename: 'blob', length: 5 * 1024 * 1024 });
    expect(unknown.upload_fields['Content-Type']).toBe('application/octet-stream');
  });

  test('upload, complete into a channel: members get files[] live, in history and in sync; url_private serves the bytes', async () => {
    const bobLive = await online(bob);
    const carolLive = await online(carol);
    sockets.push(bobLive.ws, carolLive.ws);

    const up = await uploadUrl(alice, 'dot.png', image.length);
    const stored = await postForm(up, image);
    expect(stored.status).toBeGreaterThanOrEqual(200);
    expect(stored.status).toBeLessThan(300);

    // A form body, as Slack's SDK sends it: `files` is a JSON string.
    const done = await api(alice.token, 'files.completeUploadExternal', {
      files: JSON.stringify([{ id: up.file_id, title: 'A tiny dot' }]), channel_id: channel, initial_comment: 'look at this',
    }, { form: true });
    expect(done.body).toEqual({ ok: true, files: [{ id: up.file_id, title: 'A tiny dot' }] });

    const expected = { id: up.file_id, name: 'dot.png', title: 'A tiny dot', mimetype: 'image/png', size: image.length, original_w: 3, original_h: 2 };
    const live = await bobLive.ws.waitFor((e) => e.type === 'message' && e.channel === channel && Array.isArray(e.files), LIVE_MS);
    expect(live).toMatchObject({ user: alice.userId, text: 'look at this' });
    expect(live.files).toHaveLength(1);
    expect(live.files[0]).toMatchObject(expected);
    expect(live.files[0]).not.toHaveProperty('key');
    expect(live.files[0].url_private).toMatch(new RegExp(`^${target().mediaUrl}/files/${alice.teamId}/${up.file_id}/dot\\.png\\?`));

    const history = await call(bob.token, 'conversations.history', { channel, limit: 5 });
    const message = history.messages.find((m: { ts: string }) => m.ts === live.ts);
    expect(message.files[0]).toMatchObject(expected);
    expect(message.files[0]).not.toHaveProperty('key');
    const url = String(message.files[0].url_private);
    const query = new URL(url).searchParams;
    expect(query.get('Expires')).toMatch(/^\d+$/);
    expect(Number(query.get('Expires')) - Date.now() / 1000).toBeGreaterThan(50 * 60);
    expect(query.get('Signature')).toBeTruthy();
    expect(query.get('Key-Pair-Id')).toBeTruthy();

    const got = await fetch(url);
    expect(got.status).toBe(200);
    expect(got.headers.get('content-type')).toBe('image/png');
    expect(Buffer.from(await got.arrayBuffer()).equals(image)).toBe(true);

    // The same URL with its signature changed is refused by the CDN.
    const signature = new URL(url).searchParams.get('Signature')!;
    const tampered = url.replace(signature, (signature[0] === 'A' ? 'B' : 'A') + signature.slice(1));
    expect((await fetch(tampered)).status).toBe(403);
    const stretched = url.replace(/Expires=(\d+)/, (_m, e) => `Expires=${Number(e) + 3600}`);
    expect((await fetch(stretched)).status).toBe(403);

    // Sync from the cursor before the post carries the same file, freshly signed.
    const { events } = await syncAll(bobLive.ws, bobLive.cursor);
    const synced = events.find((e) => e.type === 'message' && e.ts === live.ts)!;
    expect(synced.files[0]).toMatchObject(expected);
    expect(synced.files[0]).not.toHaveProperty('key');
    expect((await fetch(synced.files[0].url_private)).status).toBe(200);

    // Not a member: no event, no history, so never a URL.
    await sleep(500);
    expect(carolLive.ws.events.filter((e) => e.channel === channel && e.type === 'message')).toEqual([]);
    expect(await callFails(carol.token, 'conversations.history', { channel })).toBe('not_in_channel');
    expect(await callFails(mallory.token, 'conversations.history', { channel })).toBe('channel_not_found');

    // Completing it again fails clearly.
    const again = await api(alice.token, 'files.completeUploadExternal', { files: [{ id: up.file_id }], channel_id: channel });
    expect(again.body).toMatchObject({ ok: false, error: 'invalid_arguments' });
    expect(again.body.detail).toMatch(/already complete/);
  });

  (isLocal() ? test : test.skip)('an expired url_private is refused (signed with the local key, Expires in the past)', async () => {
    const up = await uploadUrl(alice, 'later.png', image.length);
    expect((await postForm(up, image)).status).toBe(204);
    await call(alice.token, 'files.completeUploadExternal', { files: [{ id: up.file_id }], channel_id: channel });
    const history = await call(alice.token, 'conversations.history', { channel, limit: 1 });
    const url = new URL(history.messages[0].files[0].url_private);
    const resource = `${url.origin}${url.pathname}`;
    const privateKey = readFileSync(join(dirname(process.env.E2E_OUTPUTS_FILE!), 'media-signing-key.pem'), 'utf8');
    const keyPairId = url.searchParams.get('Key-Pair-Id')!;
    const sign = (at: number) => getSignedUrl({ url: resource, keyPairId, privateKey, dateLessThan: new Date(at).toISOString() });
    expect((await fetch(sign(Date.now() + 60_000))).status).toBe(200); // the same signing, still valid
    expect((await fetch(sign(Date.now() - 1_000))).status).toBe(403);
  });

  test('a non-image file: no dimensions; in a thread; a file completed without a channel posts nothing', async () => {
    const text = Buffer.from('hello, file\n');
    const up = await uploadUrl(alice, 'notes.txt', text.length);
    expect((await postForm(up, text)).status).toBe(204);
    const parent = await call(alice.token, 'chat.postMessage', { channel, text: 'thread for notes' });
    await call(alice.token, 'files.completeUploadExternal', { files: [{ id: up.file_id }], channel_id: channel, thread_ts: parent.ts });
    const replies = await call(bob.token, 'conversations.replies', { channel, ts: parent.ts });
    expect(replies.messages).toHaveLength(2);
    const file = replies.messages[1].files[0];
    expect(file).toMatchObject({ id: up.file_id, name: 'notes.txt', title: 'notes.txt', mimetype: 'text/plain', size: text.length });
    expect(file).not.toHaveProperty('original_w');
    expect(Buffer.from(await (await fetch(file.url_private)).arrayBuffer()).toString()).toBe('hello, file\n');

    const quiet = await uploadUrl(alice, 'quiet.txt', text.length);
    expect((await postForm(quiet, text)).status).toBe(204);
    const before = await call(alice.token, 'conversations.history', { channel, limit: 1 });
    expect((await call(alice.token, 'files.completeUploadExternal', { files: [{ id: quiet.file_id, title: 'Quiet' }] })).files).toEqual([{ id: quiet.file_id, title: 'Quiet' }]);
    const after = await call(alice.token, 'conversations.history', { channel, limit: 1 });
    expect(after.messages[0].ts).toBe(before.messages[0].ts);
  });

  test("someone else's file, another workspace's file, a never-uploaded file: file_not_found; channel rules still apply", async () => {
    const up = await uploadUrl(alice, 'mine.png', image.length);
    expect((await postForm(up, image)).status).toBe(204);
    expect(await callFails(bob.token, 'files.completeUploadExternal', { files: [{ id: up.file_id }], channel_id: channel })).toBe('file_not_found');
    expect(await callFails(mallory.token, 'files.completeUploadExternal', { files: [{ id: up.file_id }] })).toBe('file_not_found');
    expect(await callFails(alice.token, 'files.completeUploadExternal', { files: [{ id: 'FNOSUCHFILE000' }] })).toBe('file_not_found');
    const never = await uploadUrl(alice, 'never.png', image.length);
    expect(await callFails(alice.token, 'files.completeUploadExternal', { files: [{ id: never.file_id }] })).toBe('file_not_found');
    // Into a channel the caller is not in: refused before the file changes, so it can still be completed.
    const elsewhere = (await call(bob.token, 'conversations.create', { name: 'bobs-room', is_private: true })).channel.id;
    expect(await callFails(alice.token, 'files.completeUploadExternal', { files: [{ id: up.file_id }], channel_id: elsewhere })).toBe('channel_not_found');
    const quiet = await call(carol.token, 'conversations.create', { name: 'carols-room' });
    expect(await callFails(alice.token, 'files.completeUploadExternal', { files: [{ id: up.file_id }], channel_id: quiet.channel.id })).toBe('not_in_channel');
    expect((await call(alice.token, 'files.completeUploadExternal', { files: [{ id: up.file_id }], channel_id: channel })).files[0].id).toBe(up.file_id);
  });

  test('served from the media origin: nosniff and a sandboxing CSP on every file; html and svg as attachments, a png inline', async () => {
    const html = Buffer.from('<!doctype html><script>alert(document.domain)</script>');
    const svg = Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>');
    const uploads: Array<[string, Buffer, string]> = [['page.html', html, 'text/html'], ['Résumé "logo".svg', svg, 'image/svg+xml'], ['dot.png', image, 'image/png']];
    const served: Record<string, Response> = {};
    for (const [name, bytes, type] of uploads) {
      const up = await uploadUrl(alice, name, bytes.length, type);
      expect((await postForm(up, bytes)).status).toBe(204);
      await call(alice.token, 'files.completeUploadExternal', { files: [{ id: up.file_id }], channel_id: channel });
      const latest = (await call(bob.token, 'conversations.history', { channel, limit: 1 })).messages[0];
      expect(latest.files[0]).toMatchObject({ id: up.file_id, mimetype: type });
      served[type] = await fetch(latest.files[0].url_private);
      expect(served[type].status).toBe(200);
      expect(Buffer.from(await served[type].arrayBuffer()).equals(bytes)).toBe(true);
    }
    for (const res of Object.values(served)) {
      expect(res.headers.get('x-content-type-options')).toBe('nosniff');
      expect(res.headers.get('content-security-policy')).toMatch(/^default-src 'none';.*\bsandbox\b/);
    }
    expect(served['text/html'].headers.get('content-type')).toBe('text/html');
    expect(served['text/html'].headers.get('content-disposition')).toBe(`attachment; filename="page.html"; filename*=UTF-8''page.html`);
    expect(served['image/svg+xml'].headers.get('content-type')).toBe('image/svg+xml');
    expect(served['image/svg+xml'].headers.get('content-disposition')).toBe(`attachment; filename="R_sum_ _logo_.svg"; filename*=UTF-8''R%C3%A9sum%C3%A9%20%22logo%22.svg`);
    expect(served['image/png'].headers.get('content-type')).toBe('image/png');
    expect(served['image/png'].headers.get('content-disposition')).toBe(`inline; filename="dot.png"; filename*=UTF-8''dot.png`);
  });

  test('a completion refused by the message rate limit moves nothing: after Retry-After the same file completes, posted with the message', async () => {
    const room = (await call(alice.token, 'conversations.create', { name: 'file-burst' })).channel.id;
    await call(bob.token, 'conversations.join', { channel: room });
    /** Sends until the per-channel message bucket refuses one (its size is the suite's synth context). */
    const drain = async () => {
      for (let round = 0; round < 100; round++) {
        const results = await Promise.all(Array.from({ length: 5 }, (_, i) => api(alice.token, 'chat.postMessage', { channel: room, text: `burst ${round}.${i}` })));
        if (results.some((r) => r.status === 429)) return;
      }
      throw new Error('never refused');
    };
    // A token may refill between the refusal and the completion: then drain again with a new file.
    let refused: { fileId: string; retryAfter: number } | undefined;
    for (let attempt = 0; attempt < 5 && !refused; attempt++) {
      const up = await uploadUrl(alice, 'burst.png', image.length);
      expect((await postForm(up, image)).status).toBe(204);
      await drain();
      const res = await api(alice.token, 'files.completeUploadExternal', { files: [{ id: up.file_id, title: 'Burst' }], channel_id: room, initial_comment: 'with a file' });
      if (res.status === 429) {
        expect(res.body).toEqual({ ok: false, error: 'ratelimited' });
        refused = { fileId: up.file_id, retryAfter: Number(res.headers.get('retry-after')) };
      } else {
        expect(res.body.ok).toBe(true);
      }
    }
    expect(refused).toBeDefined();
    const { fileId, retryAfter } = refused!;
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    const before = await call(bob.token, 'conversations.history', { channel: room, limit: 20 });
    expect(before.messages.some((m: { files?: Array<{ id: string }> }) => m.files?.some((f) => f.id === fileId))).toBe(false);

    await sleep(retryAfter * 1000 + 100);
    const done = await api(alice.token, 'files.completeUploadExternal', { files: [{ id: fileId, title: 'Burst' }], channel_id: room, initial_comment: 'with a file' });
    expect(done.body).toEqual({ ok: true, files: [{ id: fileId, title: 'Burst' }] });
    const posted = (await call(bob.token, 'conversations.history', { channel: room, limit: 1 })).messages[0];
    expect(posted).toMatchObject({ user: alice.userId, text: 'with a file' });
    expect(posted.files).toEqual([expect.objectContaining({ id: fileId, title: 'Burst', mimetype: 'image/png', size: image.length })]);
    // The object is in its final place (not under uploads/pending/), and served.
    expect(new URL(posted.files[0].url_private).pathname).toBe(`/files/${alice.teamId}/${fileId}/burst.png`);
    const got = await fetch(posted.files[0].url_private);
    expect(got.status).toBe(200);
    expect(Buffer.from(await got.arrayBuffer()).equals(image)).toBe(true);
    // Completed once: a further completion is refused, and posted nothing more.
    expect((await api(alice.token, 'files.completeUploadExternal', { files: [{ id: fileId }], channel_id: room })).body.detail).toMatch(/already complete/);
  });

  test('a bad files argument is invalid_arguments', async () => {
    const bad: Array<[unknown, boolean]> = [
      ['not json', true], ['[]', true], [[], false], [[{ title: 'no id' }], false], ['{"id":"F1"}', true], [[{ id: '' }], false],
      [Array.from({ length: 11 }, (_, i) => ({ id: `F${i}` })), false],
    ];
    for (const [files, form] of bad) {
      const res = await api(alice.token, 'files.completeUploadExternal', { files }, { form });
      expect(res.body).toMatchObject({ ok: false, error: 'invalid_arguments' });
      expect(String(res.body.detail)).toMatch(/^files/);
    }
    const missing = await api(alice.token, 'files.completeUploadExternal', {});
    expect(missing.body).toMatchObject({ ok: false, error: 'invalid_arguments', detail: 'files' });
    const repeated = await uploadUrl(alice, 'twice.png', image.length);
    expect((await api(alice.token, 'files.completeUploadExternal', { files: [{ id: repeated.file_id }, { id: repeated.file_id }] })).body)
      .toMatchObject({ ok: false, error: 'invalid_arguments' });
  });
});
