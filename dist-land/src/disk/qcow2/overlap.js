// Which host clusters hold metadata (header, L1, refcount table and blocks, active L2 tables, snapshot table and
// snapshot L1 tables): every write is checked against it, as QEMU's pre-write overlap check does with cached ranges.
export class MetadataMap {
    clusterSize;
    kinds = new Map();
    constructor(clusterSize) {
        this.clusterSize = clusterSize;
    }
    /** Records the clusters of a range as metadata; returns the other kind already recorded in one of them, or null. */
    add(offset, length, kind) {
        const [first, end] = this.clusters(offset, length);
        for (let c = first; c < end; c++) {
            const had = this.kinds.get(c);
            if (had !== undefined && had !== kind)
                return had;
        }
        for (let c = first; c < end; c++)
            this.kinds.set(c, kind);
        return null;
    }
    remove(offset, length) {
        const [first, end] = this.clusters(offset, length);
        for (let c = first; c < end; c++)
            this.kinds.delete(c);
    }
    /** The metadata that [offset, offset+length) overlaps, or null. */
    overlap(offset, length) {
        const [first, end] = this.clusters(offset, length);
        for (let c = first; c < end; c++) {
            const kind = this.kinds.get(c);
            if (kind !== undefined)
                return kind;
        }
        return null;
    }
    kindAt(offset) {
        return this.kinds.get(Math.floor(offset / this.clusterSize));
    }
    clusters(offset, length) {
        return [Math.floor(offset / this.clusterSize), Math.ceil((offset + length) / this.clusterSize)];
    }
}
//# sourceMappingURL=overlap.js.map