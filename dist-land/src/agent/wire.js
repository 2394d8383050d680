// The QEMU guest agent's wire format: JSON objects in both directions, and the 0xFF byte guest-sync-delimited puts
// before its reply so a client can skip whatever an earlier, abandoned exchange left in the stream.
/** The byte that resets the agent's parser and that precedes the reply to guest-sync-delimited. */
export const SYNC_DELIMITER = 0xff;
/**
 * The largest reply the host accepts: guest-exec-status carries up to 16 MiB of captured output per stream (the
 * agent's own cap), base64-encoded, for stdout and stderr.
 */
export const MAX_AGENT_REPLY = 48 * 1024 * 1024;
/** One request as the agent reads it. */
export function encodeRequest(command, args) {
    return Buffer.from(`${JSON.stringify(args === undefined ? { execute: command } : { execute: command, arguments: args })}\n`);
}
/**
 * Splits the agent's output into JSON objects by tracking braces outside strings (the agent puts no newline inside a
 * reply, but nothing here depends on that). Bytes between objects are skipped; an object that grows past the bound,
 * or one that is not JSON, is reported and dropped.
 */
export class AgentReader {
    onMessage;
    onError;
    maxBytes;
    parts = [];
    size = 0;
    depth = 0;
    inString = false;
    escaped = false;
    skipToDelimiter = false;
    overflowed = false;
    constructor(onMessage, onError, maxBytes = MAX_AGENT_REPLY) {
        this.onMessage = onMessage;
        this.onError = onError;
        this.maxBytes = maxBytes;
    }
    /** Drops everything up to and including the next 0xFF byte (the start of the reply to guest-sync-delimited). */
    expectDelimiter() {
        this.reset();
        this.skipToDelimiter = true;
    }
    push(chunk) {
        let start = this.depth > 0 ? 0 : -1;
        for (let i = 0; i < chunk.length; i++) {
            const c = chunk[i];
            if (this.skipToDelimiter) {
                if (c === SYNC_DELIMITER)
                    this.skipToDelimiter = false;
                continue;
            }
            if (this.depth === 0) {
                if (c === 0x7b) {
                    this.depth = 1;
                    start = i;
                }
                continue;
            }
            if (this.inString) {
                if (this.escaped)
                    this.escaped = false;
                else if (c === 0x5c)
                    this.escaped = true;
                else if (c === 0x22)
                    this.inString = false;
                continue;
            }
            if (c === 0x22)
                this.inString = true;
            else if (c === 0x7b || c === 0x5b)
                this.depth++;
            else if (c === 0x7d || c === 0x5d) {
                if (--this.depth === 0) {
                    this.take(chunk.subarray(start, i + 1));
                    start = -1;
                    this.finish();
                }
            }
        }
        if (this.depth > 0 && start >= 0)
            this.take(chunk.subarray(start));
    }
    take(piece) {
        if (this.overflowed)
            return;
        if (this.size + piece.length > this.maxBytes) {
            this.overflowed = true;
            this.parts = [];
            this.size = 0;
            return;
        }
        this.parts.push(Buffer.from(piece));
        this.size += piece.length;
    }
    finish() {
        const overflowed = this.overflowed;
        const text = Buffer.concat(this.parts).toString('utf8');
        this.reset();
        if (overflowed)
            return this.onError(`a reply from the guest agent is larger than ${this.maxBytes >> 20} MiB`);
        let message;
        try {
            message = JSON.parse(text);
        }
        catch {
            return this.onError('the guest agent sent a reply that is not JSON');
        }
        this.onMessage(message);
    }
    reset() {
        this.parts = [];
        this.size = 0;
        this.depth = 0;
        this.inString = false;
        this.escaped = false;
        this.overflowed = false;
    }
}
//# sourceMappingURL=wire.js.map