// Creating an empty qcow2 (version 3) image: header, refcount table and blocks, L1 table, laid out as QEMU does.
import { DiskError } from '../backend.js';
import { ImageFile } from '../file.js';
import { buildHeader, setU64 } from './header.js';
import { refcountSet } from './refcount-entry.js';
export async function createQcow2(path, size, opts = {}) {
    const cs = opts.clusterSize ?? 65536;
    const clusterBits = Math.log2(cs);
    if (!Number.isInteger(clusterBits) || clusterBits < 9 || clusterBits > 21)
        throw new DiskError(`cluster size must be a power of two between 512 and 2M, got ${cs}`);
    const refcountBits = opts.refcountBits ?? 16;
    const order = Math.log2(refcountBits);
    if (!Number.isInteger(order) || order < 0 || order > 6)
        throw new DiskError(`refcount bits must be a power of two up to 64, got ${refcountBits}`);
    if (!Number.isSafeInteger(size) || size < 0)
        throw new DiskError(`bad image size ${size}`);
    size = Math.ceil(size / 512) * 512;
    const l2Entries = cs / 8;
    const l1Size = Math.ceil(size / cs / l2Entries);
    const l1Clusters = Math.max(1, Math.ceil((l1Size * 8) / cs));
    const perBlock = (cs * 8) >>> order;
    // Header, refcount table, refcount blocks and L1 table, each sized to cover all of them.
    let tableClusters = 1;
    let blocks = 1;
    for (;;) {
        const total = 1 + tableClusters + blocks + l1Clusters;
        const nb = Math.ceil(total / perBlock);
        const nt = Math.ceil(nb / l2Entries);
        if (nb === blocks && nt === tableClusters)
            break;
        blocks = nb;
        tableClusters = nt;
    }
    const total = 1 + tableClusters + blocks + l1Clusters;
    const tableOffset = cs;
    const blocksOffset = (1 + tableClusters) * cs;
    const l1Offset = (1 + tableClusters + blocks) * cs;
    const header = buildHeader({
        size,
        clusterBits,
        refcountOrder: order,
        l1Size,
        l1TableOffset: l1Offset,
        refcountTableOffset: tableOffset,
        refcountTableClusters: tableClusters,
        backingFile: opts.backingFile,
        backingFormat: opts.backingFormat,
    });
    const table = new Uint8Array(tableClusters * cs);
    const tdv = new DataView(table.buffer);
    for (let i = 0; i < blocks; i++)
        setU64(tdv, i * 8, blocksOffset + i * cs);
    const refBlocks = new Uint8Array(blocks * cs);
    for (let c = 0; c < total; c++)
        refcountSet(refBlocks.subarray(Math.floor(c / perBlock) * cs), order, c % perBlock, 1);
    const file = await ImageFile.create(path);
    try {
        await file.writeAt(0, header);
        await file.writeAt(tableOffset, table);
        await file.writeAt(blocksOffset, refBlocks);
        await file.writeAt(l1Offset, new Uint8Array(l1Clusters * cs));
        await file.sync();
    }
    finally {
        await file.close();
    }
}
//# sourceMappingURL=create.js.map