import { binding } from '../config/env';
import { SqliteSearchIndex } from './sqlite-index';

/** This instance's handle on the index file (SEARCH_INDEX_PATH: EFS in AWS, the local cloud's data dir locally). */
let opened: SqliteSearchIndex | undefined;

export function searchIndex(): SqliteSearchIndex {
  opened ??= SqliteSearchIndex.open(binding('searchIndexPath'));
  return opened;
}
