import { StreamNetBackend } from './stream-backend.js';
/** Between attempts to reach a switch that went away. */
const RETRY_MS = 1000;
export class SwitchLink {
    o;
    current;
    receiver;
    closed = false;
    timer;
    /** Frames sent while the switch was out of reach. */
    dropped = 0;
    reconnects = 0;
    constructor(o) {
        this.o = o;
    }
    /** Connects once; rejects (with the reason the switch cannot be reached) instead of retrying. */
    static async open(o) {
        const link = new SwitchLink(o);
        await link.connect();
        return link;
    }
    async connect() {
        const path = await this.o.reach();
        const b = await StreamNetBackend.connect(path, { log: this.o.log, onPeerGone: () => this.lost(b) });
        if (this.closed)
            return b.close();
        b.onReceive((f) => this.receiver?.(f));
        this.current = b;
    }
    lost(b) {
        if (this.current !== b || this.closed)
            return;
        this.current = undefined;
        this.o.log('the switch went away; reconnecting');
        this.retry();
    }
    retry() {
        this.timer = setTimeout(() => {
            this.connect().then(() => {
                if (this.closed)
                    return;
                this.reconnects++;
                this.o.log('link to the switch is back');
            }, () => {
                if (!this.closed)
                    this.retry();
            });
        }, RETRY_MS);
        this.timer.unref();
    }
    send(frame) {
        if (this.current)
            this.current.send(frame);
        else
            this.dropped++;
    }
    onReceive(cb) {
        this.receiver = cb;
    }
    close() {
        this.closed = true;
        clearTimeout(this.timer);
        this.current?.close();
        this.current = undefined;
    }
}
//# sourceMappingURL=switch-link.js.map