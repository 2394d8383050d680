// A small LRU cache of cluster-sized metadata tables (L2 tables, refcount blocks); writes go through to the file at once.
import type { ImageFile } from '../file.js';

export class TableCache {
  private readonly tables = new Map<number, Uint8Array>();

  constructor(
    private readonly file: ImageFile,
    private readonly clusterSize: number,
    private readonly capacity: number,
  ) {}

  /** The table at a host offset, read from the file on a miss. */
  async get(offset: number): Promise<Uint8Array> {
    const hit = this.tables.get(offset);
    if (hit) {
      this.tables.delete(offset);
      this.tables.set(offset, hit);
      return hit;
    }
    const table = new Uint8Array(this.clusterSize);
    await this.file.readAt(offset, table);
    // Another caller may have filled the slot while we awaited; keep theirs, it may have newer entries.
    const raced = this.tables.get(offset);
    if (raced) return raced;
    this.put(offset, table);
    return table;
  }

  /** The cached table if present, without touching the file. */
  peek(offset: number): Uint8Array | undefined {
    return this.tables.get(offset);
  }

  /** Installs a table the caller has just written to the file. */
  put(offset: number, table: Uint8Array): void {
    this.tables.delete(offset);
    this.tables.set(offset, table);
    while (this.tables.size > this.capacity) {
      const oldest = this.tables.keys().next().value as number;
      this.tables.delete(oldest);
    }
  }

  drop(offset: number): void {
    this.tables.delete(offset);
  }

  clear(): void {
    this.tables.clear();
  }
}
