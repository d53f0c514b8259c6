import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';

/**
 * Each event source mapping's position per shard (the mapping named by its stream and function),
 * kept in a JSON file so a restart resumes where it left off. Written atomically (temp file + rename) so a crash never leaves half a file.
 */
export interface ShardCheckpoint {
  /** Last sequence number fully processed. */
  sequenceNumber?: string;
  /** The shard is closed and every record in it was processed. */
  finished?: boolean;
}

type File = Record<string, Record<string, ShardCheckpoint>>;

export class Checkpoints {
  private readonly data: File;

  constructor(private readonly path: string) {
    this.data = existsSync(path) ? (JSON.parse(readFileSync(path, 'utf8')) as File) : {};
  }

  get(mapping: string, shardId: string): ShardCheckpoint {
    return this.data[mapping]?.[shardId] ?? {};
  }

  set(mapping: string, shardId: string, checkpoint: ShardCheckpoint): void {
    (this.data[mapping] ??= {})[shardId] = checkpoint;
    const tmp = `${this.path}.tmp`;
    writeFileSync(tmp, JSON.stringify(this.data, null, 2));
    renameSync(tmp, this.path);
  }
}
