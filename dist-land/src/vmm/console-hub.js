// A VM's console on the host side: guest output fanned out to every attached sink, host input held in one bounded queue.
/** Writers get `false` from write() above this many queued bytes and should wait for drained(). */
export const INPUT_HIGH_WATER = 64 * 1024;
/** drained() resolves once the queue is down to this. */
export const INPUT_LOW_WATER = 16 * 1024;
/** A writer that ignores backpressure loses what goes past this (counted in inputDropped). */
export const INPUT_HARD_LIMIT = 1024 * 1024;
export class ConsoleHub {
    sinks = new Set();
    queue = [];
    queuePos = 0;
    queued = 0;
    drainWaiters = [];
    /** Bytes lost because a writer went past INPUT_HARD_LIMIT. */
    inputDropped = 0;
    /** Bytes of output and input so far (for info and tests). */
    outputBytes = 0;
    inputBytes = 0;
    /** Guest output: given to every attached sink. A sink that throws is detached, so one bad client harms no other. */
    output = (bytes) => {
        this.outputBytes += bytes.length;
        for (const s of this.sinks) {
            try {
                s(bytes);
            }
            catch {
                this.sinks.delete(s);
            }
        }
    };
    /** Adds an output sink; returns the function that detaches it. */
    attach(sink) {
        this.sinks.add(sink);
        return () => {
            this.sinks.delete(sink);
        };
    }
    get attached() {
        return this.sinks.size;
    }
    /**
     * Queues host input for the guest (copied). Returns false when the queue holds more than INPUT_HIGH_WATER bytes: the
     * writer should then wait for drained(). Bytes beyond INPUT_HARD_LIMIT are dropped.
     */
    write(bytes) {
        const take = Math.max(0, Math.min(bytes.length, INPUT_HARD_LIMIT - this.queued));
        this.inputDropped += bytes.length - take;
        if (take > 0) {
            this.queue.push(bytes.slice(0, take));
            this.queued += take;
            this.inputBytes += take;
        }
        return this.queued <= INPUT_HIGH_WATER;
    }
    /** Bytes of input waiting for the guest. */
    get pendingInput() {
        return this.queued;
    }
    /** Resolves once the queue is at or below INPUT_LOW_WATER. */
    drained() {
        if (this.queued <= INPUT_LOW_WATER)
            return Promise.resolve();
        return new Promise((resolve) => this.drainWaiters.push(resolve));
    }
    /** Gives the device as much queued input as it takes now; returns the number of bytes it took. */
    feed(port) {
        let fed = 0;
        while (this.queued > 0) {
            const room = port.room();
            if (room <= 0)
                break;
            const head = this.queue[0];
            const offer = head.subarray(this.queuePos, this.queuePos + Math.min(room, head.length - this.queuePos));
            const n = Math.min(offer.length, port.push(offer));
            if (n <= 0)
                break;
            this.queuePos += n;
            this.queued -= n;
            fed += n;
            if (this.queuePos === head.length) {
                this.queue.shift();
                this.queuePos = 0;
            }
        }
        if (fed > 0 && this.queued <= INPUT_LOW_WATER && this.drainWaiters.length) {
            const w = this.drainWaiters;
            this.drainWaiters = [];
            for (const f of w)
                f();
        }
        return fed;
    }
    /** Drops queued input and releases waiting writers (the VM is gone: nothing will read it). */
    discardInput() {
        this.queue = [];
        this.queuePos = 0;
        this.queued = 0;
        const w = this.drainWaiters;
        this.drainWaiters = [];
        for (const f of w)
            f();
    }
}
//# sourceMappingURL=console-hub.js.map