// Copying a raw image into a new qcow2 image, leaving all-zero clusters unallocated.
import { createQcow2 } from '../../disk/qcow2/create.js';
import { openDisk } from '../../disk/open.js';
const CLUSTER = 65536;
function isZero(b) {
    const w = new Int32Array(b.buffer, b.byteOffset, b.length >>> 2);
    for (let i = 0; i < w.length; i++)
        if (w[i] !== 0)
            return false;
    for (let i = w.length * 4; i < b.length; i++)
        if (b[i] !== 0)
            return false;
    return true;
}
/** Returns the number of data clusters written. */
export async function rawToQcow2(raw, qcow2) {
    const src = await openDisk(raw, { readOnly: true, format: 'raw' });
    let written = 0;
    try {
        await createQcow2(qcow2, src.size, { clusterSize: CLUSTER });
        const dst = await openDisk(qcow2, { format: 'qcow2' });
        try {
            const buf = new Uint8Array(CLUSTER * 64);
            for (let pos = 0; pos < src.size; pos += buf.length) {
                const part = buf.subarray(0, Math.min(buf.length, src.size - pos));
                await src.read(pos, part);
                for (let c = 0; c < part.length; c += CLUSTER) {
                    const cluster = part.subarray(c, Math.min(part.length, c + CLUSTER));
                    if (isZero(cluster))
                        continue;
                    await dst.write(pos + c, cluster);
                    written++;
                }
            }
            await dst.flush();
        }
        finally {
            await dst.close();
        }
    }
    finally {
        await src.close();
    }
    return written;
}
//# sourceMappingURL=qcow2-image.js.map