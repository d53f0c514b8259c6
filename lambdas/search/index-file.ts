import { fromEnv } from '@aws-sdk/credential-provider-env';
import { binding, numberSetting, optionalVariable, textSetting } from '../config/env';
import { OpenSearchIndex } from './opensearch-index';
import type { SearchIndex } from './search-index';
import { SqliteSearchIndex } from './sqlite-index';

/*
 * This instance's search engine, chosen by SEARCH_ENGINE (the CDK context `search`): the SQLite file
 * at SEARCH_INDEX_PATH (EFS in AWS, the local cloud's data dir locally), or the OpenSearch domain at
 * SEARCH_ENDPOINT, signed with the function's role credentials (Lambda puts them in the environment).
 */
let opened: SearchIndex | undefined;

function open(): SearchIndex {
  const engine = textSetting('searchEngine');
  if (engine === 'sqlite') return SqliteSearchIndex.open(binding('searchIndexPath'));
  if (engine === 'opensearch') {
    const region = optionalVariable('AWS_REGION');
    if (region === undefined) throw new Error('missing environment variable AWS_REGION (the OpenSearch domain\'s region)');
    return new OpenSearchIndex({
      endpoint: binding('searchEndpoint'),
      region,
      index: textSetting('searchIndexName'),
      credentials: fromEnv(),
      timeoutMs: numberSetting('searchRequestTimeoutMs'),
      maxBulkBytes: numberSetting('searchBulkMaxBytes'),
    });
  }
  throw new Error(`SEARCH_ENGINE must be sqlite or opensearch, got ${engine}`);
}

export function searchIndex(): SearchIndex {
  opened ??= open();
  return opened;
}
