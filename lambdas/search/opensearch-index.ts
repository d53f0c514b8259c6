import { NodeSha256 } from '../adapters/aws-request';
import { SignatureV4 } from '@smithy/signature-v4';
import { logger } from '../adapters/logger';
import { bulkBodies, INDEX_DEFINITION, pageOf, searchBody, UnexpectedResponse } from './opensearch-requests';
import type { IndexChange, ResolvedQuery, SearchIndex, SearchOptions, SearchPage } from './search-index';

/*
 * The Amazon OpenSearch Service engine behind the SearchIndex interface: the domain's REST API over
 * Node's fetch, each request signed with SigV4 (service `es`) by the function's own role. The
 * stream indexer writes with `_bulk`, the search function reads with `_search`; the bodies are
 * opensearch-requests.ts's. No retry here: a failure the next attempt may mend (a timeout, the
 * network, 429, 5xx) is thrown as SearchEngineUnavailable, so the stream mapping retries the batch
 * (every change is idempotent: an index or a delete by document id) or the caller sees an error.
 */

/** The domain did not answer, or answered "not now" (429, 5xx): try again later. */
export class SearchEngineUnavailable extends Error {
  override name = 'SearchEngineUnavailable';
  constructor(message: string, readonly status?: number) {
    super(message);
  }
}

export interface OpenSearchIndexOptions {
  /** The domain's endpoint: https://vpc-….es.amazonaws.com (a test's http://127.0.0.1:port). */
  endpoint: string;
  region: string;
  /** The index that holds the messages. */
  index: string;
  credentials: ConstructorParameters<typeof SignatureV4>[0]['credentials'];
  /** Every request gives up after this long. */
  timeoutMs: number;
  /** One `_bulk` body at most this many bytes. */
  maxBulkBytes: number;
}

interface Reply {
  status: number;
  body: unknown;
}

const retryable = (status: number) => status === 429 || status >= 500;
const errorType = (body: unknown): string | undefined => {
  const error = (body as { error?: unknown } | null)?.error;
  return typeof error === 'object' && error !== null ? String((error as { type?: unknown }).type) : typeof error === 'string' ? error : undefined;
};

interface BulkItem {
  _id?: string;
  status?: number;
  error?: { type?: string };
}

export class OpenSearchIndex implements SearchIndex {
  private readonly signer: SignatureV4;
  private readonly base: URL;
  private created: Promise<void> | undefined;

  constructor(private readonly options: OpenSearchIndexOptions) {
    this.base = new URL(options.endpoint);
    this.signer = new SignatureV4({ credentials: options.credentials, region: options.region, service: 'es', sha256: NodeSha256 });
  }

  /** In order: one `_bulk` request per bounded body. A document the domain refuses is logged and skipped. */
  async apply(changes: IndexChange[]): Promise<void> {
    if (changes.length === 0) return;
    await this.ensureIndex();
    for (const body of bulkBodies(changes, this.options.maxBulkBytes)) {
      const reply = await this.send('POST', `/${this.options.index}/_bulk`, body, 'application/x-ndjson');
      if (reply.status !== 200) throw this.failure('_bulk', reply);
      this.checkItems(reply.body);
    }
  }

  async search(query: ResolvedQuery, options: SearchOptions): Promise<SearchPage> {
    if (query.channelIds.length === 0 || (query.userIds !== undefined && query.userIds.length === 0)) return { total: 0, hits: [] };
    const reply = await this.send('POST', `/${this.options.index}/_search`, JSON.stringify(searchBody(query, options)), 'application/json');
    // Nothing indexed yet: the indexer creates the index with its first batch.
    if (reply.status === 404 && errorType(reply.body) === 'index_not_found_exception') return { total: 0, hits: [] };
    if (reply.status !== 200) throw this.failure('_search', reply);
    return pageOf(reply.body, options);
  }

  /** The index with its mapping, created on first use (once per instance; a lost race is fine). */
  private ensureIndex(): Promise<void> {
    this.created ??= (async () => {
      const path = `/${this.options.index}`;
      const head = await this.send('HEAD', path);
      if (head.status === 200) return;
      if (head.status !== 404) throw this.failure('HEAD index', head);
      const put = await this.send('PUT', path, JSON.stringify(INDEX_DEFINITION), 'application/json');
      if (put.status === 200 || errorType(put.body) === 'resource_already_exists_exception') {
        logger.info('search index created', { index: this.options.index, status: put.status });
        return;
      }
      throw this.failure('PUT index', put);
    })().catch((error: unknown) => {
      this.created = undefined;
      throw error;
    });
    return this.created;
  }

  /**
   * Each item of a `_bulk` reply: one the domain could not take now (429, 5xx) fails the batch, to be
   * retried whole; one it refuses (another 4xx: a mapping conflict, an over-long value) is logged by
   * id, status and error type and skipped, as the SQLite engine's indexer skips a value it refuses.
   * Never the reason: OpenSearch quotes the refused value in it, and that is message text.
   */
  private checkItems(body: unknown): void {
    const reply = body as { errors?: unknown; items?: unknown } | null;
    if (!reply || !Array.isArray(reply.items)) throw new UnexpectedResponse('_bulk response without items');
    if (reply.errors !== true) return;
    let unavailable: BulkItem | undefined;
    for (const entry of reply.items as Array<Record<string, BulkItem>>) {
      const [action, item] = Object.entries(entry ?? {})[0] ?? [];
      if (typeof item?.status !== 'number') throw new UnexpectedResponse('_bulk item without a status');
      const status = item.status;
      if (status < 300 || (action === 'delete' && status === 404)) continue;
      if (retryable(status)) {
        unavailable ??= item;
        continue;
      }
      logger.error('search index: document skipped, the domain refused it', { action, id: item._id, status, type: item.error?.type });
    }
    if (unavailable) throw new SearchEngineUnavailable(`_bulk item ${unavailable._id}: ${unavailable.status} ${unavailable.error?.type ?? ''}`.trim(), unavailable.status);
  }

  private failure(what: string, reply: Reply): Error {
    const message = `${what}: ${reply.status} ${errorType(reply.body) ?? ''}`.trim();
    return retryable(reply.status) ? new SearchEngineUnavailable(message, reply.status) : new UnexpectedResponse(message);
  }

  /** One signed request, bounded by the timeout; a network failure or a timeout is SearchEngineUnavailable. */
  private async send(method: string, path: string, body?: string, contentType?: string): Promise<Reply> {
    const url = new URL(path, this.base);
    const signed = await this.signer.sign({
      method,
      protocol: url.protocol,
      hostname: url.hostname,
      ...(url.port ? { port: Number(url.port) } : {}),
      path: url.pathname,
      query: {},
      headers: { host: url.host, ...(contentType ? { 'content-type': contentType } : {}) },
      ...(body !== undefined ? { body } : {}),
    });
    // fetch sets Host itself, from the same URL that was signed.
    const { host: _host, ...headers } = signed.headers;
    let response: Response;
    let text: string;
    try {
      response = await fetch(url, { method, headers, body, signal: AbortSignal.timeout(this.options.timeoutMs) });
      text = await response.text();
    } catch (error) {
      // fetch's own failures are TypeErrors, which the indexer would take for a bug in its code.
      const reason = (error as Error).name === 'TimeoutError' ? `no answer within ${this.options.timeoutMs} ms` : (error as Error).message;
      throw new SearchEngineUnavailable(`${method} ${path}: ${reason}`);
    }
    let parsed: unknown;
    try {
      parsed = text === '' ? undefined : JSON.parse(text);
    } catch {
      parsed = undefined;
    }
    return { status: response.status, body: parsed };
  }
}
