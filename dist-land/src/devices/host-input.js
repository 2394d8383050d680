// Host input for a console device (UART, virtio-console): a bounded backlog and the flow-control contract with its producer.
/** Host input a device holds until the guest reads it: 64 KiB, after which the producer is told to wait. */
export const HOST_INPUT_BACKLOG = 64 * 1024;
/** A bounded FIFO of bytes kept as the chunks they arrived in (no per-byte shifting, no copying of the whole backlog). */
export class InputBacklog {
    limit;
    events;
    chunks = [];
    pos = 0;
    bytes = 0;
    /** A producer met a full backlog and waits to be told about space. */
    producerWaiting = false;
    constructor(limit = HOST_INPUT_BACKLOG, events = {}) {
        this.limit = limit;
        this.events = events;
    }
    get length() {
        return this.bytes;
    }
    room() {
        const room = this.limit - this.bytes;
        if (room <= 0)
            this.producerWaiting = true;
        return Math.max(0, room);
    }
    /** Appends up to room() bytes (copied); returns how many. */
    push(data) {
        const n = Math.min(data.length, this.room());
        if (n < data.length)
            this.producerWaiting = true;
        if (n > 0) {
            this.chunks.push(data.slice(0, n));
            this.bytes += n;
        }
        return n;
    }
    /** Removes and returns the first byte (-1 when empty). */
    shift() {
        if (this.bytes === 0)
            return -1;
        const chunk = this.chunks[0];
        const b = chunk[this.pos++];
        this.consumed(1, chunk);
        return b;
    }
    /** The first contiguous run of bytes, at most `max`, without removing it. */
    peek(max) {
        if (this.bytes === 0)
            return new Uint8Array(0);
        const chunk = this.chunks[0];
        return chunk.subarray(this.pos, Math.min(chunk.length, this.pos + max));
    }
    /** Drops the first `n` bytes (n ≤ length of the last peek). */
    skip(n) {
        if (n <= 0)
            return;
        const chunk = this.chunks[0];
        this.pos += n;
        this.consumed(n, chunk);
    }
    /** Everything queued, in order (snapshots). */
    toArray() {
        const out = [];
        this.chunks.forEach((c, i) => {
            for (let j = i === 0 ? this.pos : 0; j < c.length; j++)
                out.push(c[j]);
        });
        return out;
    }
    clear() {
        this.chunks = [];
        this.pos = 0;
        this.bytes = 0;
    }
    /**
     * Tells a waiting producer that half the backlog is free again (hysteresis: not once per byte). Devices call it
     * once their own state is consistent, at the end of the guest access that drained the backlog.
     */
    notifySpace() {
        if (!this.producerWaiting || this.bytes > this.limit / 2)
            return;
        this.producerWaiting = false;
        this.events.inputSpace?.();
    }
    consumed(n, chunk) {
        this.bytes -= n;
        if (this.pos === chunk.length) {
            this.chunks.shift();
            this.pos = 0;
        }
    }
}
//# sourceMappingURL=host-input.js.map