export class TableCache {
    file;
    clusterSize;
    capacity;
    tables = new Map();
    constructor(file, clusterSize, capacity) {
        this.file = file;
        this.clusterSize = clusterSize;
        this.capacity = capacity;
    }
    /** The table at a host offset, read from the file on a miss. */
    async get(offset) {
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
        if (raced)
            return raced;
        this.put(offset, table);
        return table;
    }
    /** The cached table if present, without touching the file. */
    peek(offset) {
        return this.tables.get(offset);
    }
    /** Installs a table the caller has just written to the file. */
    put(offset, table) {
        this.tables.delete(offset);
        this.tables.set(offset, table);
        while (this.tables.size > this.capacity) {
            const oldest = this.tables.keys().next().value;
            this.tables.delete(oldest);
        }
    }
    drop(offset) {
        this.tables.delete(offset);
    }
    clear() {
        this.tables.clear();
    }
}
//# sourceMappingURL=table-cache.js.map