import { VirtqueueError } from './queue.js';
/** Reads `size` bytes little-endian from a configuration byte image; bytes past its end read as 0. */
export function readConfigBytes(bytes, offset, size) {
    let v = 0;
    for (let i = size - 1; i >= 0; i--)
        v = (v << 8) | (offset + i < bytes.length ? bytes[offset + i] : 0);
    return v >>> 0;
}
/**
 * Host-originated data into the driver's buffers on queue `q`: while `more()` and a chain is available, `fill` writes
 * one chain and returns the bytes written for the used ring; one interrupt covers the batch. A chain `fill` finds
 * unusable (it throws VirtqueueError) or a broken ring puts the device in DEVICE_NEEDS_RESET: this runs on host events
 * as well, outside the transport's notify handler.
 */
export function deliverToQueue(ctx, q, more, fill) {
    try {
        let delivered = false;
        while (more()) {
            const chain = q.pop();
            if (!chain)
                break;
            q.pushUsed(chain.head, fill(chain));
            delivered = true;
        }
        q.publishAvailEvent();
        if (delivered)
            ctx.interrupt(q);
    }
    catch (e) {
        if (e instanceof VirtqueueError)
            ctx.needsReset(e.message);
        else
            throw e;
    }
}
//# sourceMappingURL=device.js.map