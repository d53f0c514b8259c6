import { createHash, createHmac } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ulid } from 'ulid';
import { MAX_COUNT, MAX_PAGE } from '../../lambdas/search/messages';
import { OpenSearchIndex, SearchEngineUnavailable } from '../../lambdas/search/opensearch-index';
import { INDEX_DEFINITION, PREFIX_MAX_EXPANSIONS } from '../../lambdas/search/opensearch-requests';
import { HIGHLIGHT, type IndexChange, type IndexedMessage, type ResolvedQuery, type SearchOptions } from '../../lambdas/search/search-index';
import { SqliteSearchIndex } from '../../lambdas/search/sqlite-index';
import { indexRecords } from '../../lambdas/stream/search-indexer';

/*
 * The OpenSearch engine against a stand-in domain: an HTTP server on 127.0.0.1 that records every
 * request and answers what each test queues. What is asserted is what a real domain would receive
 * (method, path, SigV4 signature recomputed here from the received bytes, bodies) and what the engine
 * makes of an answer. No real OpenSearch runs here (README: Search).
 */

const CREDENTIALS = { accessKeyId: 'AKIDTEST', secretAccessKey: 'test-secret', sessionToken: 'test-session' };
const REGION = 'eu-west-1';
const T0 = Date.UTC(2024, 2, 10, 12);

interface Received {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
}
type Answer = { status: number; body?: unknown } | 'hang';

let server: Server;
let endpoint: string;
let received: Received[];
let answers: Answer[];

beforeAll(async () => {
  server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      received.push({ method: req.method ?? '', path: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks).toString('utf8') });
      const answer = answers.shift() ?? { status: 500, body: { error: { type: 'no_answer_queued' } } };
      if (answer === 'hang') return; // never answers: the client's timeout must end it
      res.writeHead(answer.status, { 'content-type': 'application/json' });
      res.end(answer.body === undefined || req.method === 'HEAD' ? undefined : JSON.stringify(answer.body));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});
beforeEach(() => {
  received = [];
  answers = [];
});

const openIndex = (over: { maxBulkBytes?: number; timeoutMs?: number } = {}) =>
  new OpenSearchIndex({ endpoint, region: REGION, index: 'messages', credentials: CREDENTIALS, timeoutMs: over.timeoutMs ?? 2000, maxBulkBytes: over.maxBulkBytes ?? 1024 * 1024 });

const message = (over: Partial<IndexedMessage>): IndexedMessage => {
  const ts = over.ts ?? ulid(over.sentAt ?? T0);
  return { teamId: 'T1', channelId: 'C1', ts, userId: 'U1', threadTs: ts, text: '', sentAt: T0, isThread: false, hasLink: false, hasReaction: false, ...over };
};
const q = (over: Partial<ResolvedQuery>): ResolvedQuery => ({
  words: [], phrases: [], excluded: [], prefixLast: false, teamId: 'T1', channelIds: ['C1', 'C2'], hasLink: false, hasReaction: false, isThread: false, ...over,
});
const opts: SearchOptions = { sort: 'score', sortDir: 'desc', highlight: false, limit: 20, offset: 0 };
const ndjson = (body: string) => body.split('\n').filter(Boolean).map((line) => JSON.parse(line) as unknown);
const sha256 = (data: string) => createHash('sha256').update(data).digest('hex');
const hmac = (key: Buffer | string, data: string) => createHmac('sha256', key).update(data).digest();

/** SigV4 recomputed from the request as it arrived (AWS's documented algorithm, written out here, not the signer's code). */
function expectSignedForEs(r: Received): void {
  const auth = String(r.headers.authorization);
  const match = /^AWS4-HMAC-SHA256 Credential=AKIDTEST\/(\d{8})\/eu-west-1\/es\/aws4_request, SignedHeaders=([a-z0-9;-]+), Signature=([0-9a-f]{64})$/.exec(auth);
  expect(match).not.toBeNull();
  const [, day, signedHeaders, signature] = match!;
  const amzDate = String(r.headers['x-amz-date']);
  expect(amzDate).toMatch(new RegExp(`^${day}T\\d{6}Z$`));
  expect(r.headers['x-amz-security-token']).toBe('test-session');
  expect(r.headers['x-amz-content-sha256']).toBe(sha256(r.body));
  expect(signedHeaders.split(';')).toEqual(expect.arrayContaining(['host', 'x-amz-date', 'x-amz-content-sha256', 'x-amz-security-token']));
  const canonicalHeaders = signedHeaders.split(';').map((h) => `${h}:${String(r.headers[h]).trim()}\n`).join('');
  const [path, query = ''] = r.path.split('?');
  const canonical = [r.method, path, query, canonicalHeaders, signedHeaders, sha256(r.body)].join('\n');
  const scope = `${day}/${REGION}/es/aws4_request`;
  const toSign = ['AWS4-HMAC-SHA256', amzDate, scope, sha256(canonical)].join('\n');
  let key: Buffer = hmac(`AWS4${CREDENTIALS.secretAccessKey}`, day);
  for (const part of [REGION, 'es', 'aws4_request']) key = hmac(key, part);
  expect(hmac(key, toSign).toString('hex')).toBe(signature);
}

const bulkOk = (n: number) => ({ status: 200, body: { took: 1, errors: false, items: Array.from({ length: n }, () => ({ index: { status: 201 } })) } });

describe('OpenSearchIndex: writes', () => {
  it('creates the index with its mapping on first use, then sends one signed _bulk of index and delete lines', async () => {
    const index = openIndex();
    const m = message({ text: 'Le Café est OUVERT', editedBy: 'U2', editedTs: '1700000000.000100', hasLink: true });
    answers.push({ status: 404 }, { status: 200, body: { acknowledged: true } }, bulkOk(2));
    await index.apply([{ kind: 'upsert', message: m }, { kind: 'remove', channelId: 'C2', ts: 'X1' }]);

    expect(received.map((r) => `${r.method} ${r.path}`)).toEqual(['HEAD /messages', 'PUT /messages', 'POST /messages/_bulk']);
    received.forEach(expectSignedForEs);
    expect(JSON.parse(received[1].body)).toEqual(INDEX_DEFINITION);
    const mapping = JSON.parse(received[1].body);
    expect(mapping.settings.analysis).toEqual({
      tokenizer: { letters_and_digits: { type: 'pattern', pattern: '[^\\p{L}\\p{N}]+' } },
      filter: { long_words: { type: 'truncate', length: 255 } },
      analyzer: { folded: { type: 'custom', tokenizer: 'letters_and_digits', filter: ['lowercase', 'asciifolding', 'long_words'] } },
    });
    expect(mapping.mappings.properties.text).toEqual({ type: 'text', analyzer: 'folded', index_prefixes: { min_chars: 2, max_chars: 5 } });
    expect(mapping.mappings.properties.channel_id).toEqual({ type: 'keyword' });
    expect(mapping.mappings.dynamic).toBe('strict');
    const bulk = received[2];
    expect(bulk.headers['content-type']).toBe('application/x-ndjson');
    expect(bulk.body.endsWith('\n')).toBe(true);
    expect(ndjson(bulk.body)).toEqual([
      { index: { _id: `C1:${m.ts}` } },
      {
        team_id: 'T1', channel_id: 'C1', ts: m.ts, user_id: 'U1', thread_ts: m.ts, text: 'Le Café est OUVERT', sent_at: T0,
        is_thread: false, has_link: true, has_reaction: false, edited_by: 'U2', edited_ts: '1700000000.000100',
      },
      { delete: { _id: 'C2:X1' } },
    ]);

    // The index exists now: the next batch goes straight to _bulk.
    answers.push(bulkOk(1));
    await index.apply([{ kind: 'remove', channelId: 'C1', ts: m.ts }]);
    expect(received.map((r) => `${r.method} ${r.path}`).slice(3)).toEqual(['POST /messages/_bulk']);
  });

  it('takes a lost creation race (resource_already_exists_exception) as created', async () => {
    answers.push({ status: 404 }, { status: 400, body: { error: { type: 'resource_already_exists_exception' }, status: 400 } }, bulkOk(1));
    await openIndex().apply([{ kind: 'remove', channelId: 'C1', ts: 'X' }]);
    expect(received.map((r) => r.method)).toEqual(['HEAD', 'PUT', 'POST']);
  });

  it('splits a batch into _bulk bodies of at most maxBulkBytes, in order', async () => {
    const changes: IndexChange[] = Array.from({ length: 12 }, (_, i) => ({ kind: 'upsert', message: message({ ts: `TS${String(i).padStart(2, '0')}`, text: 'x'.repeat(300) }) }));
    answers.push({ status: 200 }, bulkOk(4), bulkOk(4), bulkOk(4));
    await openIndex({ maxBulkBytes: 2000 }).apply(changes);
    const bulks = received.filter((r) => r.path === '/messages/_bulk');
    expect(bulks.length).toBeGreaterThan(1);
    for (const b of bulks) expect(Buffer.byteLength(b.body)).toBeLessThanOrEqual(2000);
    const ids = bulks.flatMap((b) => ndjson(b.body)).flatMap((line) => ('index' in (line as object) ? [(line as { index: { _id: string } }).index._id] : []));
    expect(ids).toEqual(changes.map((c) => `C1:${(c as { message: IndexedMessage }).message.ts}`));
  });

  it('skips a document the domain refuses (400), logging its id and error type but never the text', async () => {
    const error = jest.spyOn(console, 'error').mockImplementation(() => undefined);
    try {
      answers.push({ status: 200 }, {
        status: 200,
        body: {
          errors: true,
          items: [
            { index: { _id: 'C1:A', status: 201 } },
            { index: { _id: 'C1:B', status: 400, error: { type: 'mapper_parsing_exception', reason: "failed to parse field [text]. Preview of field's value: 'top secret words'" } } },
            { delete: { _id: 'C1:C', status: 404, result: 'not_found' } },
          ],
        },
      });
      await expect(openIndex().apply([
        { kind: 'upsert', message: message({ ts: 'A', text: 'fine' }) },
        { kind: 'upsert', message: message({ ts: 'B', text: 'top secret words' }) },
        { kind: 'remove', channelId: 'C1', ts: 'C' },
      ])).resolves.toBeUndefined();
      const lines = error.mock.calls.map((c) => String(c[0]));
      expect(lines).toHaveLength(1);
      expect(JSON.parse(lines[0])).toMatchObject({ message: 'search index: document skipped, the domain refused it', id: 'C1:B', status: 400, type: 'mapper_parsing_exception' });
      expect(lines[0]).not.toContain('secret');
    } finally {
      error.mockRestore();
    }
  });

  it('throws SearchEngineUnavailable for 429 and 5xx (the request or one item), for a timeout and for a refused connection; a refused request (403) throws too', async () => {
    const index = openIndex({ timeoutMs: 300 });
    const change: IndexChange = { kind: 'remove', channelId: 'C1', ts: 'X' };
    answers.push({ status: 200 }, { status: 429, body: { error: { type: 'es_rejected_execution_exception' } } });
    await expect(index.apply([change])).rejects.toThrow(SearchEngineUnavailable);
    answers.push({ status: 503, body: {} });
    await expect(index.apply([change])).rejects.toMatchObject({ name: 'SearchEngineUnavailable', status: 503 });
    answers.push({ status: 200, body: { errors: true, items: [{ delete: { _id: 'C1:X', status: 429, error: { type: 'es_rejected_execution_exception' } } }] } });
    await expect(index.apply([change])).rejects.toMatchObject({ status: 429 });
    answers.push({ status: 403, body: { message: 'User: arn:aws:sts::1:assumed-role/x is not authorized' } });
    await expect(index.apply([change])).rejects.toThrow('_bulk: 403');
    answers.push('hang');
    await expect(index.apply([change])).rejects.toThrow(/no answer within 300 ms/);
    const closed = new OpenSearchIndex({ endpoint: 'http://127.0.0.1:1', region: REGION, index: 'messages', credentials: CREDENTIALS, timeoutMs: 1000, maxBulkBytes: 1 << 20 });
    await expect(closed.apply([change])).rejects.toThrow(SearchEngineUnavailable);
  });

  it('in the stream indexer: an unavailable domain fails the batch for a retry from the first record; a refused document does not', async () => {
    const tsOf = (n: number) => `01HS0000000000000000000${n}ZZ`;
    const record = (n: number, text: string) => ({
      eventID: `e${n}`,
      eventName: 'INSERT' as const,
      dynamodb: {
        SequenceNumber: `${n}`,
        Keys: { pk: { S: 'C1' }, sk: { S: `MSG#${n}` } },
        NewImage: {
          __edb_e__: { S: 'message' }, __edb_v__: { S: '1' }, channelId: { S: 'C1' }, ts: { S: tsOf(n) }, threadTs: { S: tsOf(n) },
          teamId: { S: 'T1' }, userId: { S: 'U1' }, text: { S: text }, createdAt: { N: String(T0) },
        },
      },
    });
    const event = { Records: [record(1, 'one'), record(2, 'two')] };
    const quiet = [jest.spyOn(console, 'error').mockImplementation(() => undefined), jest.spyOn(console, 'warn').mockImplementation(() => undefined)];
    try {
      const index = openIndex();
      // The batch's _bulk gets 503, then record by record: the first record's gets 503 too.
      answers.push({ status: 200 }, { status: 503 }, { status: 503 });
      await expect(indexRecords(index, event)).resolves.toEqual({ batchItemFailures: [{ itemIdentifier: '1' }] });
      answers.push({ status: 200, body: { errors: true, items: [{ index: { _id: `C1:${tsOf(1)}`, status: 400, error: { type: 'illegal_argument_exception' } } }, { index: { _id: `C1:${tsOf(2)}`, status: 201 } }] } });
      await expect(indexRecords(index, event)).resolves.toEqual({ batchItemFailures: [] });
      expect(received.filter((r) => r.path === '/messages/_bulk').map((r) => ndjson(r.body).length)).toEqual([4, 2, 4]);
    } finally {
      quiet.forEach((s) => s.mockRestore());
    }
  });
});

describe('OpenSearchIndex: _search', () => {
  const emptyResponse = { status: 200, body: { hits: { total: { value: 0, relation: 'eq' }, hits: [] } } };
  const bodyOf = async (query: Partial<ResolvedQuery>, o: Partial<SearchOptions> = {}) => {
    answers.push(emptyResponse);
    await openIndex().search(q(query), { ...opts, ...o });
    const r = received.at(-1)!;
    expect(`${r.method} ${r.path}`).toBe('POST /messages/_search');
    expectSignedForEs(r);
    return JSON.parse(r.body) as Record<string, any>;
  };
  const scope = [{ term: { team_id: 'T1' } }, { terms: { channel_id: ['C1', 'C2'] } }];

  it('words are ANDed phrase clauses, ranked by score with the newest first on ties, paged, counting every hit', async () => {
    expect(await bodyOf({ words: ['deploy', 'e-mail'] })).toEqual({
      query: { bool: { must: [{ match_phrase: { text: 'deploy' } }, { match_phrase: { text: 'e-mail' } }], filter: scope } },
      sort: [{ _score: { order: 'desc' } }, { ts: { order: 'desc' } }],
      from: 0,
      size: 20,
      track_total_hits: true,
      _source: ['channel_id', 'ts', 'user_id', 'thread_ts', 'text', 'has_reaction', 'edited_by', 'edited_ts'],
    });
  });

  it('a phrase, an excluded word, the word being typed', async () => {
    const body = await bodyOf({ words: ['release', 'dep'], phrases: ['release notes'], excluded: ['draft', 'wip'], prefixLast: true });
    expect(body.query.bool).toEqual({
      must: [
        { match_phrase: { text: 'release' } },
        { match_phrase_prefix: { text: { query: 'dep', max_expansions: PREFIX_MAX_EXPANSIONS } } },
        { match_phrase: { text: 'release notes' } },
      ],
      filter: scope,
      must_not: [{ match_phrase: { text: 'draft' } }, { match_phrase: { text: 'wip' } }],
    });
  });

  it('from:, in:, dates and the has:/is: flags are filters', async () => {
    const body = await bodyOf({ words: ['x'], channelIds: ['C2'], userIds: ['U1', 'U2'], since: T0 - 86_400_000, until: T0, hasLink: true, hasReaction: true, isThread: true });
    expect(body.query.bool.filter).toEqual([
      { term: { team_id: 'T1' } },
      { terms: { channel_id: ['C2'] } },
      { terms: { user_id: ['U1', 'U2'] } },
      { range: { sent_at: { gte: T0 - 86_400_000, lt: T0 } } },
      { term: { has_link: true } },
      { term: { has_reaction: true } },
      { term: { is_thread: true } },
    ]);
    expect((await bodyOf({ since: T0 })).query.bool.filter[2]).toEqual({ range: { sent_at: { gte: T0 } } });
    expect((await bodyOf({ until: T0 })).query.bool.filter[2]).toEqual({ range: { sent_at: { lt: T0 } } });
  });

  it('sort by timestamp either way keeps the score; a query of modifiers only sorts by time; paging is from/size', async () => {
    const byTime = await bodyOf({ words: ['x'] }, { sort: 'timestamp', sortDir: 'asc', limit: 5, offset: 10 });
    expect(byTime).toMatchObject({ sort: [{ ts: { order: 'asc' } }], track_scores: true, from: 10, size: 5 });
    const modifiersOnly = await bodyOf({ hasLink: true }, { sort: 'score', sortDir: 'asc' });
    expect(modifiersOnly.query.bool).toEqual({ filter: [...scope, { term: { has_link: true } }] });
    expect(modifiersOnly.sort).toEqual([{ ts: { order: 'asc' } }]);
    expect(modifiersOnly).not.toHaveProperty('track_scores');
    expect((await bodyOf({ words: ['x'] }, { sortDir: 'asc' })).sort).toEqual([{ _score: { order: 'asc' } }, { ts: { order: 'desc' } }]);
  });

  it('the deepest page search.messages allows stays within OpenSearch\'s default result window (from + size ≤ 10,000)', async () => {
    const deepest = await bodyOf({ words: ['x'] }, { limit: MAX_COUNT, offset: (MAX_PAGE - 1) * MAX_COUNT });
    expect(deepest.from + deepest.size).toBeLessThanOrEqual(10_000);
  });

  it('highlight asks for the whole text with Slack\'s markers, only when words matched', async () => {
    expect((await bodyOf({ words: ['x'] }, { highlight: true })).highlight).toEqual({
      pre_tags: ['\ue000'], post_tags: ['\ue001'], require_field_match: true, fields: { text: { number_of_fragments: 0 } },
    });
    expect(await bodyOf({ isThread: true }, { highlight: true })).not.toHaveProperty('highlight');
  });

  it('asks nothing when nothing is readable or no author resolved', async () => {
    await expect(openIndex().search(q({ words: ['x'], channelIds: [] }), opts)).resolves.toEqual({ total: 0, hits: [] });
    await expect(openIndex().search(q({ words: ['x'], userIds: [] }), opts)).resolves.toEqual({ total: 0, hits: [] });
    expect(received).toEqual([]);
  });

  it('an index not created yet is an empty page; 429 throws SearchEngineUnavailable', async () => {
    answers.push({ status: 404, body: { error: { type: 'index_not_found_exception' }, status: 404 } });
    await expect(openIndex().search(q({ words: ['x'] }), opts)).resolves.toEqual({ total: 0, hits: [] });
    answers.push({ status: 429, body: { error: { type: 'too_many_requests' } } });
    await expect(openIndex().search(q({ words: ['x'] }), opts)).rejects.toThrow(SearchEngineUnavailable);
  });

  it('a canned response becomes the page the SQLite engine gives for the same message, highlight markers included', async () => {
    const m = message({ text: 'Le Café est OUVERT', editedBy: 'U2', editedTs: 'E1', hasReaction: true });
    const sqlite = SqliteSearchIndex.open(':memory:');
    sqlite.applySync([{ kind: 'upsert', message: m }]);
    const query = q({ words: ['cafe'] });
    const o = { ...opts, highlight: true };
    const expected = sqlite.searchSync(query, o);
    sqlite.close();
    expect(expected.hits[0].text).toBe(`Le ${HIGHLIGHT.start}Café${HIGHLIGHT.end} est OUVERT`);

    answers.push({
      status: 200,
      body: {
        took: 3, timed_out: false,
        hits: {
          total: { value: 1, relation: 'eq' }, max_score: 0.2876821,
          hits: [{
            _index: 'messages', _id: `C1:${m.ts}`, _score: 0.2876821,
            _source: { channel_id: 'C1', ts: m.ts, user_id: 'U1', thread_ts: m.ts, text: m.text, has_reaction: true, edited_by: 'U2', edited_ts: 'E1' },
            highlight: { text: ['Le \ue000Café\ue001 est OUVERT'] },
            sort: [0.2876821, m.ts],
          }],
        },
      },
    });
    const page = await openIndex().search(query, o);
    const withoutScore = (p: typeof page) => ({ total: p.total, hits: p.hits.map(({ score, ...rest }) => ({ ...rest, scored: score > 0 })) });
    expect(withoutScore(page)).toEqual(withoutScore(expected));

    // Sorted by time without scores, or without highlight asked: the stored text and a score of 0.
    answers.push({ status: 200, body: { hits: { total: { value: 1 }, hits: [{ _score: null, _source: { channel_id: 'C1', ts: m.ts, user_id: 'U1', thread_ts: m.ts, text: m.text, has_reaction: false } }] } } });
    expect((await openIndex().search(q({ hasLink: true }), opts)).hits[0]).toEqual({
      channelId: 'C1', ts: m.ts, userId: 'U1', threadTs: m.ts, text: m.text, score: 0, hasReaction: false, editedBy: undefined, editedTs: undefined,
    });
  });
});

describe('searchIndex(): the engine SEARCH_ENGINE names', () => {
  const saved = { ...process.env };
  afterEach(() => {
    process.env = { ...saved };
  });
  const openWith = (env: Record<string, string>) => {
    Object.assign(process.env, env);
    let opened: unknown;
    jest.isolateModules(() => {
      opened = (require('../../lambdas/search/index-file') as typeof import('../../lambdas/search/index-file')).searchIndex();
    });
    // A class of the isolated module registry: told apart by name.
    return (opened as object).constructor.name;
  };

  it('sqlite by default, opensearch with its endpoint and region, anything else refused at the cold start', () => {
    delete process.env.SEARCH_ENGINE;
    expect(openWith({ SEARCH_INDEX_PATH: ':memory:' })).toBe('SqliteSearchIndex');
    expect(openWith({ SEARCH_ENGINE: 'opensearch', SEARCH_ENDPOINT: endpoint, AWS_REGION: REGION })).toBe('OpenSearchIndex');
    delete process.env.SEARCH_ENDPOINT;
    expect(() => openWith({ SEARCH_ENGINE: 'opensearch' })).toThrow('missing environment variable SEARCH_ENDPOINT');
    expect(() => openWith({ SEARCH_ENGINE: 'elastic' })).toThrow('SEARCH_ENGINE must be sqlite or opensearch, got elastic');
  });
});
