import { uploadedBytes } from '../../lambdas/edge/upload-body';
import { uploadSecretHash, uploadSecretMatches, newUploadSecret } from '../../lambdas/core/upload-grants';

/** A multipart body as fetch encodes it, with its content type. */
async function multipart(form: FormData): Promise<{ body: Buffer; contentType: string }> {
  const request = new Request('http://x/', { method: 'POST', body: form });
  return { body: Buffer.from(await request.arrayBuffer()), contentType: request.headers.get('content-type') ?? '' };
}

describe("Slack's upload URL: the bytes of a POST", () => {
  const bytes = Buffer.from([0, 1, 2, 255, 13, 10, 45, 45]);

  test('raw bytes (python files_upload_v2, curl --data-binary), whatever the type says', async () => {
    expect(await uploadedBytes(bytes, 'application/octet-stream')).toEqual({ ok: true, bytes: new Uint8Array(bytes) });
    expect(await uploadedBytes(bytes, '')).toEqual({ ok: true, bytes: new Uint8Array(bytes) });
  });

  test("one file part, named as @slack/web-api names it (body) or curl -F (file); text fields ignored", async () => {
    for (const name of ['body', 'file']) {
      const form = new FormData();
      form.append('filename', 'x.bin');
      form.append(name, new Blob([bytes]), 'Untitled');
      const { body, contentType } = await multipart(form);
      expect(await uploadedBytes(body, contentType)).toEqual({ ok: true, bytes: new Uint8Array(bytes) });
    }
  });

  test('no file part, two file parts, or a broken form: refused', async () => {
    const none = new FormData();
    none.append('a', 'b');
    const two = new FormData();
    two.append('a', new Blob([bytes]), 'a');
    two.append('b', new Blob([bytes]), 'b');
    for (const form of [none, two]) {
      const { body, contentType } = await multipart(form);
      expect(await uploadedBytes(body, contentType)).toMatchObject({ ok: false });
    }
    expect(await uploadedBytes(Buffer.from('garbage'), 'multipart/form-data; boundary=zzz')).toMatchObject({ ok: false });
  });
});

describe('upload secrets', () => {
  test('only the hash is kept; only the same secret matches', () => {
    const secret = newUploadSecret();
    expect(secret).toMatch(/^[\w-]{43}$/);
    const hash = uploadSecretHash(secret);
    expect(hash).not.toContain(secret);
    expect(uploadSecretMatches(secret, hash)).toBe(true);
    expect(uploadSecretMatches(newUploadSecret(), hash)).toBe(false);
    expect(uploadSecretMatches('', hash)).toBe(false);
    expect(uploadSecretMatches(secret, undefined)).toBe(false);
  });
});
