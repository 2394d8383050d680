import { LIVE } from './backend.js';
/** How long to wait before subscribing again to a VM whose control socket refused. */
const RETRY_MS = 500;
export class EventHub {
    backend;
    log;
    known = new Map();
    /** Open control-socket subscriptions, by VM name: their cancel functions. */
    subscriptions = new Map();
    listeners = new Set();
    unwatch = null;
    refreshing = null;
    again = false;
    closed = false;
    constructor(backend, log = () => undefined) {
        this.backend = backend;
        this.log = log;
    }
    async start() {
        this.unwatch = this.backend.watch(() => void this.refresh());
        await this.refresh();
    }
    /** Adds a listener; it first receives the current list. */
    async add(listener) {
        const vms = await this.backend.list();
        listener({ event: 'list', vms, at: new Date().toISOString() });
        this.listeners.add(listener);
        return () => this.listeners.delete(listener);
    }
    emit(message) {
        for (const l of this.listeners)
            l(message);
    }
    /** Reads every VM's state again and tells what changed; calls made meanwhile run once more after it. */
    refresh() {
        if (this.refreshing) {
            this.again = true;
            return this.refreshing;
        }
        this.refreshing = (async () => {
            do {
                this.again = false;
                try {
                    await this.reconcile();
                }
                catch (e) {
                    this.log(`events: cannot read the VMs: ${e.message}`);
                }
            } while (this.again && !this.closed);
        })().finally(() => (this.refreshing = null));
        return this.refreshing;
    }
    async reconcile() {
        const vms = await this.backend.list();
        if (this.closed)
            return;
        const at = new Date().toISOString();
        const seen = new Set();
        for (const vm of vms) {
            seen.add(vm.name);
            const before = this.known.get(vm.name);
            if (!before)
                this.emit({ event: 'created', vm: vm.name, at });
            // A state is announced once: the state file and the control socket report the same change, with or without
            // a reason, and clients want one event per change.
            if (!before || before.state !== vm.state) {
                this.known.set(vm.name, { state: vm.state, reason: vm.reason });
                this.emit({ event: 'state', vm: vm.name, state: vm.state, ...(vm.reason ? { reason: vm.reason } : {}), at });
            }
            if (LIVE.includes(vm.state))
                this.follow(vm.name);
        }
        for (const name of [...this.known.keys()])
            if (!seen.has(name)) {
                this.known.delete(name);
                this.emit({ event: 'deleted', vm: name, at });
            }
    }
    /** Subscribes to a live VM's control socket (once); when it ends, the VM's state is read again. */
    follow(name) {
        if (this.subscriptions.has(name))
            return;
        const ended = () => {
            this.subscriptions.delete(name);
            if (!this.closed)
                void this.refresh();
        };
        const onEvent = (e) => {
            if (e.event !== 'state')
                return this.emit({ event: e.event, vm: name, message: e.message, at: e.at });
            const before = this.known.get(name);
            if (before && before.state === e.state)
                return;
            this.known.set(name, { state: e.state, reason: e.reason });
            this.emit({ event: 'state', vm: name, state: e.state, ...(e.reason ? { reason: e.reason } : {}), at: e.at });
        };
        const sub = this.backend.subscribe(name, onEvent, ended).catch(() => {
            // The process went away between the listing and the connection (its state on disk tells why), or has not
            // opened its socket yet: look again in a moment rather than at once.
            const t = setTimeout(ended, RETRY_MS);
            t.unref();
            return null;
        });
        this.subscriptions.set(name, sub);
    }
    async close() {
        this.closed = true;
        this.unwatch?.();
        this.listeners.clear();
        const subs = [...this.subscriptions.values()];
        this.subscriptions.clear();
        for (const cancel of await Promise.all(subs))
            cancel?.();
        await this.refreshing;
    }
}
//# sourceMappingURL=events.js.map