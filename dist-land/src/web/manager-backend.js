// The API's backend on the VM manager's library: the definitions and VM processes the CLI uses, and a watch on their files.
import { closeSync, fstatSync, openSync, readdirSync, readSync, statSync, watch } from 'node:fs';
import { freemem } from 'node:os';
import { join } from 'node:path';
import { parseSize } from '../cli/size.js';
import { cloneVm } from '../manager/clone.js';
import { addForward, listNetworks, parseForward, removeForward } from '../manager/networks.js';
import { createSnapshot, deleteSnapshot, readIndex, restoreSnapshot } from '../manager/snapshots.js';
import { vmsDir } from '../manager/paths.js';
import { BackendError, } from './backend.js';
const MiB = 1024 * 1024;
/** The files of a VM folder whose change can mean a new state (the console log is not one). */
const STATE_FILES = new Set(['vm.json', 'state.json', 'exit-status']);
function view(s) {
    const v = { name: s.name, state: s.state };
    if (s.reason !== undefined)
        v.reason = s.reason;
    if (s.cpus !== undefined)
        v.cpus = s.cpus;
    if (s.memoryBytes !== undefined)
        v.memoryMiB = Math.round(s.memoryBytes / MiB);
    if (s.rssBytes !== undefined)
        v.rssBytes = s.rssBytes;
    if (s.pid !== undefined)
        v.pid = s.pid;
    if (s.startedAt !== undefined) {
        v.startedAt = s.startedAt;
        const t = Date.parse(s.startedAt);
        if (s.pid !== undefined && Number.isFinite(t))
            v.uptimeMs = Math.max(0, Date.now() - t);
    }
    if (s.error !== undefined)
        v.error = s.error;
    if (s.suspended)
        v.suspended = true;
    if ('definition' in s && s.definition)
        v.definition = s.definition;
    if ('disks' in s)
        v.disks = s.disks;
    return v;
}
/** Bytes the file system allocated to a file (a sparse or qcow2 disk uses less than its size); 0 if it is gone. */
function allocatedBytes(path) {
    try {
        return statSync(path).blocks * 512;
    }
    catch {
        return 0;
    }
}
/** The last `max` bytes of a file (fewer if it is shorter or missing). */
function tail(path, max) {
    let fd;
    try {
        fd = openSync(path, 'r');
    }
    catch {
        return Buffer.alloc(0);
    }
    try {
        const size = fstatSync(fd).size;
        const n = Math.min(size, max);
        const buf = Buffer.alloc(n);
        let done = 0;
        while (done < n) {
            const r = readSync(fd, buf, done, n - done, size - n + done);
            if (r === 0)
                break;
            done += r;
        }
        return buf.subarray(0, done);
    }
    finally {
        closeSync(fd);
    }
}
function bytes(size, what) {
    if (typeof size === 'number')
        return size;
    try {
        return parseSize(size, what);
    }
    catch (e) {
        throw new BackendError('bad-input', e.message);
    }
}
export class ManagerBackend {
    manager;
    constructor(manager) {
        this.manager = manager;
    }
    get home() {
        return this.manager.home;
    }
    async list() {
        return this.manager.list().map((s) => this.withDetails(view(s)));
    }
    async get(name) {
        return this.withDetails(view(this.manager.get(name)));
    }
    /**
     * Adds what the VM's disk files take on the host and its network cards (a VM whose definition does not parse has
     * neither).
     */
    withDetails(v) {
        if (v.error !== undefined)
            return v;
        try {
            const d = this.manager.get(v.name);
            v.diskBytes = d.disks.reduce((sum, disk) => sum + allocatedBytes(disk.path), 0);
            v.nics = (d.definition?.nics ?? []).map((n) => ({
                mode: n.mode,
                mac: n.mac,
                ...(n.network !== undefined ? { network: n.network } : {}),
            }));
        }
        catch {
            // deleted meanwhile, or the definition broke: no figure
        }
        return v;
    }
    async host() {
        const { budget, running } = this.manager.memory();
        const { findCachedDebian } = await import('../images/debian.js');
        return {
            memory: {
                totalBytes: budget.hostBytes,
                availableBytes: freemem(),
                budgetBytes: budget.budgetBytes,
                reserveBytes: budget.reserveBytes,
                usedBytes: running.reduce((sum, v) => sum + v.memoryBytes, 0),
                rule: budget.rule,
            },
            imageCached: (await findCachedDebian()) !== null,
        };
    }
    async networks() {
        const nets = await listNetworks(this.manager.home);
        const views = nets.map((n) => {
            const live = new Map((n.switch?.forwards ?? []).map((f) => [f.name, f]));
            return {
                name: n.name,
                mode: n.mode,
                subnet: n.subnet,
                gateway: n.gateway,
                running: n.running,
                vms: [],
                forwards: n.forwards.map((f) => {
                    const l = live.get(f.name);
                    const status = !n.switch ? 'switch stopped' : (l?.error ?? (l?.listening ? 'listening' : 'starting'));
                    return { ...f, status };
                }),
            };
        });
        const byName = new Map(views.map((v) => [v.name, v]));
        const leased = new Map();
        for (const n of nets)
            for (const l of n.switch?.leases ?? n.leases)
                leased.set(`${n.name} ${l.mac.toLowerCase()}`, l.ip);
        for (const vm of this.manager.list()) {
            if (vm.error !== undefined)
                continue;
            let nics = [];
            try {
                nics = this.manager.get(vm.name).definition?.nics ?? [];
            }
            catch {
                continue; // deleted meanwhile
            }
            for (const nic of nics) {
                const net = nic.network === undefined ? undefined : byName.get(nic.network);
                if (nic.mode !== 'network' || !net)
                    continue;
                const ip = nic.ip ?? leased.get(`${net.name} ${nic.mac.toLowerCase()}`);
                net.vms.push({ name: vm.name, mac: nic.mac, ...(ip ? { ip } : {}) });
            }
        }
        return views;
    }
    /** The console log's newest bytes: the end of the older part (console.log.1) and then the current file. */
    async consoleLog(name, maxBytes) {
        const file = this.manager.paths(name).consoleLog;
        const current = tail(file, maxBytes);
        if (current.length >= maxBytes)
            return current;
        return Buffer.concat([tail(`${file}.1`, maxBytes - current.length), current]);
    }
    async create(r) {
        const vm = await this.manager.create({
            name: r.name,
            memoryBytes: r.memoryMiB !== undefined ? r.memoryMiB * MiB : undefined,
            cpus: r.cpus,
            image: r.image,
            kernel: r.kernel,
            initrd: r.initrd,
            cmdline: r.cmdline,
            disks: r.disks,
            newDiskBytes: r.newDisks?.map((s) => bytes(s, 'disk size')),
            nics: r.nics,
            shares: r.shares,
            autostart: r.autostart,
        });
        return view(vm);
    }
    async edit(name, r) {
        const vm = await this.manager.edit(name, {
            memoryBytes: r.memoryMiB !== undefined ? r.memoryMiB * MiB : undefined,
            cpus: r.cpus,
            cmdline: r.cmdline,
            autostart: r.autostart,
        });
        return view(vm);
    }
    async delete(name, options) {
        await this.manager.delete(name, options);
    }
    async start(name, options) {
        await this.manager.start(name, options);
        return this.get(name);
    }
    async suspend(name) {
        await this.manager.suspend(name);
        return this.get(name);
    }
    async action(name, action) {
        // kill also ends a process that no longer answers its control socket.
        if (action.action === 'kill')
            return this.manager.kill(name);
        return this.manager.act(name, action);
    }
    async clone(source, r) {
        await cloneVm(this.manager, source, r.name, { snapshot: r.snapshot, linked: r.linked });
        return this.get(r.name);
    }
    async snapshots(name) {
        const index = readIndex(this.manager.paths(name));
        return {
            current: index.current,
            snapshots: index.snapshots.map((s) => ({
                name: s.name,
                parent: s.parent,
                createdAt: s.createdAt,
                withState: s.withState,
                ...(s.description !== undefined ? { description: s.description } : {}),
                ...(s.clones?.length ? { clones: s.clones } : {}),
            })),
        };
    }
    async takeSnapshot(name, snapshot, description) {
        await createSnapshot(this.manager, name, snapshot, description !== undefined ? { description } : {});
        const taken = (await this.snapshots(name)).snapshots.find((s) => s.name === snapshot);
        if (!taken)
            throw new BackendError('failed', `snapshot "${snapshot}" of ${name} is not in its tree`);
        return taken;
    }
    async restoreSnapshot(name, snapshot) {
        await restoreSnapshot(this.manager, name, snapshot);
        return this.get(name);
    }
    async deleteSnapshot(name, snapshot) {
        await deleteSnapshot(this.manager, name, snapshot);
    }
    async addForward(network, r) {
        const host = `tcp:${r.hostAddr ?? '127.0.0.1'}:${r.hostPort}`;
        await addForward(this.manager.home, network, parseForward(host, `${r.vm}:${r.guestPort}`, r.name));
    }
    async removeForward(network, forward) {
        await removeForward(this.manager.home, network, forward);
    }
    console(name) {
        return this.manager.console(name);
    }
    async subscribe(name, onEvent, onEnd) {
        const sub = await this.manager.subscribe(name, onEvent);
        void sub.closed.then(onEnd);
        return () => sub.close();
    }
    /** inotify on $TYPEVISOR_HOME, its vms folder and each VM's folder (state files only). */
    watch(onChange) {
        const home = this.manager.home;
        const root = vmsDir(home);
        const watchers = new Map();
        let closed = false;
        const add = (dir, relevant) => {
            if (watchers.has(dir))
                return;
            try {
                const w = watch(dir, { persistent: false }, (_event, file) => {
                    if (file === null || relevant(String(file)))
                        changed();
                });
                w.on('error', () => {
                    w.close();
                    watchers.delete(dir);
                    changed();
                });
                watchers.set(dir, w);
            }
            catch {
                // not there (yet): the watch on its parent sees it appear
            }
        };
        const sync = () => {
            if (closed)
                return;
            add(home, (f) => f === 'vms');
            add(root, () => true);
            let names = [];
            try {
                names = readdirSync(root).filter((n) => !n.startsWith('.'));
            }
            catch {
                names = [];
            }
            const dirs = new Set(names.map((n) => join(root, n)));
            for (const d of dirs)
                add(d, (f) => STATE_FILES.has(f));
            for (const [d, w] of watchers)
                if (d !== home && d !== root && !dirs.has(d)) {
                    w.close();
                    watchers.delete(d);
                }
        };
        const changed = () => {
            sync();
            if (!closed)
                onChange();
        };
        sync();
        return () => {
            closed = true;
            for (const w of watchers.values())
                w.close();
            watchers.clear();
        };
    }
}
//# sourceMappingURL=manager-backend.js.map