// Which host clusters hold metadata (header, L1, refcount table and blocks, active L2 tables, snapshot table and
// snapshot L1 tables): every write is checked against it, as QEMU's pre-write overlap check does with cached ranges.

export type MetadataKind =
  | 'header'
  | 'active L1 table'
  | 'refcount table'
  | 'refcount block'
  | 'active L2 table'
  | 'snapshot table'
  | 'snapshot L1 table';

export class MetadataMap {
  private readonly kinds = new Map<number, MetadataKind>();

  constructor(private readonly clusterSize: number) {}

  /** Records the clusters of a range as metadata; returns the other kind already recorded in one of them, or null. */
  add(offset: number, length: number, kind: MetadataKind): MetadataKind | null {
    const [first, end] = this.clusters(offset, length);
    for (let c = first; c < end; c++) {
      const had = this.kinds.get(c);
      if (had !== undefined && had !== kind) return had;
    }
    for (let c = first; c < end; c++) this.kinds.set(c, kind);
    return null;
  }

  remove(offset: number, length: number): void {
    const [first, end] = this.clusters(offset, length);
    for (let c = first; c < end; c++) this.kinds.delete(c);
  }

  /** The metadata that [offset, offset+length) overlaps, or null. */
  overlap(offset: number, length: number): MetadataKind | null {
    const [first, end] = this.clusters(offset, length);
    for (let c = first; c < end; c++) {
      const kind = this.kinds.get(c);
      if (kind !== undefined) return kind;
    }
    return null;
  }

  kindAt(offset: number): MetadataKind | undefined {
    return this.kinds.get(Math.floor(offset / this.clusterSize));
  }

  private clusters(offset: number, length: number): [number, number] {
    return [Math.floor(offset / this.clusterSize), Math.ceil((offset + length) / this.clusterSize)];
  }
}
