// The block backend interface that device front ends (virtio-blk) use; raw and qcow2 implement it.
/** Errors in the image itself or in how it was named (missing file, corruption, unsupported feature). */
export class DiskError extends Error {
    name = 'DiskError';
}
export function checkRange(size, offset, length) {
    if (!Number.isSafeInteger(offset) || offset < 0 || length < 0 || offset + length > size) {
        throw new DiskError(`access out of range: offset ${offset} length ${length} on a disk of ${size} bytes`);
    }
}
//# sourceMappingURL=backend.js.map