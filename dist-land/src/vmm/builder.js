// The one builder: a plain, serializable machine description in, a ready-to-start Vm out (every entry point uses it).
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { totalmem } from 'node:os';
import { join } from 'node:path';
import { VirtMachine } from '../boards/virt/virt-machine.js';
import { MAX_RAM_BYTES } from '../memory/guest-memory.js';
import { openDisk } from '../disk/open.js';
import { VirtioBlk, VirtioConsole, VirtioInput, VirtioNet, VirtioNineP, VirtioRng, } from '../devices/virtio/index.js';
import { StreamNetBackend } from '../net/stream-backend.js';
import { openNicBackend } from '../net/open-nic.js';
import { HostShareFs } from '../share/host-fs.js';
import { checkDistinctTags, tagProblem } from '../share/spec.js';
import { GuestAgent, GUEST_AGENT_PORT } from '../agent/client.js';
import { ConsoleHub } from './console-hub.js';
import { GuestClock, Vm } from './vm.js';
const MiB = 1024 * 1024;
/** A description that cannot be built: a one-line message naming the field. */
export class VmConfigError extends Error {
    name = 'VmConfigError';
}
const HOSTNAME = /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/;
/** The guest host name a VM name gives: lower case, characters a host name cannot have turned into '-'. */
export function hostnameFor(name) {
    const h = name
        .toLowerCase()
        .replace(/[^a-z0-9-]+/g, '-')
        .replace(/^-+|-+$/g, '')
        .slice(0, 63)
        .replace(/-+$/, '');
    return HOSTNAME.test(h) ? h : undefined;
}
/** Checks what can be checked without touching files. */
export function validateDescription(d) {
    checkMemory(d.memoryBytes);
    if (!Number.isInteger(d.cpus) || d.cpus < 1 || d.cpus > 8)
        throw new VmConfigError(`cpus must be a whole number from 1 to 8, got ${d.cpus}`);
    const kind = d.engine?.kind ?? 'jit';
    if (kind !== 'jit' && kind !== 'interp')
        throw new VmConfigError(`engine must be interp or jit, got "${kind}"`);
    const th = d.engine?.jitThreshold;
    if (th !== undefined && !(Number.isInteger(th) && th >= 0))
        throw new VmConfigError(`the JIT threshold must be a whole number of instructions, got ${th}`);
    if (d.hostname !== undefined && !HOSTNAME.test(d.hostname))
        throw new VmConfigError(`host name "${d.hostname}" is not valid (a-z, 0-9 and '-', at most 63 characters)`);
    for (const disk of d.disks ?? []) {
        if (!disk.path)
            throw new VmConfigError('a disk needs a file name');
        if (disk.format !== undefined && disk.format !== 'raw' && disk.format !== 'qcow2')
            throw new VmConfigError(`disk ${disk.path}: unknown format "${disk.format}" (known: raw, qcow2)`);
    }
    for (const [i, n] of (d.nics ?? []).entries()) {
        if (n.kind !== 'null' && n.kind !== 'listen' && n.kind !== 'connect' && n.kind !== 'network')
            throw new VmConfigError(`nic ${i}: unknown kind "${n.kind}" (null, listen, connect or network)`);
        if (n.kind === 'network') {
            if (!n.network)
                throw new VmConfigError(`nic ${i}: a network NIC needs the network's name`);
        }
        else if (n.kind !== 'null' && !n.path)
            throw new VmConfigError(`nic ${i}: ${n.kind} needs a socket path`);
        if (n.mac !== undefined)
            parseMac(n.mac, i);
    }
    for (const s of d.shares ?? []) {
        if (!s.path)
            throw new VmConfigError('a share needs a host directory');
        const problem = tagProblem(s.tag);
        if (problem)
            throw new VmConfigError(`share ${s.path}: ${problem}`);
    }
    const dup = checkDistinctTags(d.shares ?? []);
    if (dup)
        throw new VmConfigError(dup);
    const slots = (d.disks?.length ?? 0) + (d.nics?.length ?? 0) + (d.shares?.length ?? 0) + 3;
    if (slots > 8)
        throw new VmConfigError(`too many devices: the virt board has 8 virtio slots (disks + NICs + shares + rng + console + power button = ${slots})`);
}
function mib(bytes) {
    return `${Math.floor(bytes / MiB)} MiB`;
}
export function checkMemory(bytes) {
    if (!Number.isSafeInteger(bytes))
        throw new VmConfigError(`memory must be a whole number of bytes, got ${bytes}`);
    if (bytes < 16 * MiB)
        throw new VmConfigError(`memory ${mib(bytes)} is too small: the virt machine needs at least 16 MiB`);
    if (bytes % 4096 !== 0)
        throw new VmConfigError(`memory must be a multiple of 4 KiB, got ${bytes} bytes`);
    if (bytes > MAX_RAM_BYTES)
        throw new VmConfigError(`memory ${mib(bytes)} is more than one VM can have (at most ${mib(MAX_RAM_BYTES)})`);
    const host = totalmem();
    if (bytes > host * 0.9)
        throw new VmConfigError(`memory ${mib(bytes)} is more than this host can give (${(host / 2 ** 30).toFixed(1)} GiB RAM in total)`);
}
function parseMac(text, i) {
    if (!/^(?:[0-9a-f]{2}:){5}[0-9a-f]{2}$/i.test(text))
        throw new VmConfigError(`nic ${i}: MAC address "${text}" is not of the form 52:54:00:12:34:56`);
    return Uint8Array.from(text.split(':').map((h) => parseInt(h, 16)));
}
/** A locally administered unicast MAC address, random per NIC. */
function randomMac() {
    const mac = randomBytes(6);
    mac[0] = (mac[0] & 0xfe) | 0x02;
    return new Uint8Array(mac);
}
function readInput(path, what) {
    if (!existsSync(path))
        throw new VmConfigError(`${what} file not found: ${path}`);
    if (!statSync(path).isFile())
        throw new VmConfigError(`${what} is not a regular file: ${path}`);
    return new Uint8Array(readFileSync(path));
}
/** Reads the kernel and initrd (pulling the default image if needed) and completes the command line. */
export async function resolveBoot(d, host = {}) {
    const log = host.log ?? (() => undefined);
    const b = d.boot;
    const disks = [...(d.disks ?? [])];
    if ('firmware' in b)
        return resolveFirmware(b.firmware, disks, host);
    let kernelPath, initrdPath, cmdline = b.cmdline;
    if ('kernel' in b) {
        kernelPath = b.kernel;
        initrdPath = b.initrd;
    }
    else {
        if (b.image !== 'debian')
            throw new VmConfigError(`unknown image "${String(b.image)}" (available: debian)`);
        // The image code is loaded only here: importing it takes a third of the start-up of a VM given its own kernel.
        const { findCachedDebian, pullDebian } = await import('../images/debian.js');
        let img = await findCachedDebian();
        if (!img) {
            log('the default Debian image is not cached yet; pulling it now');
            img = await pullDebian({ mirror: host.mirror, log });
        }
        kernelPath = img.kernel;
        initrdPath = b.initrd ?? img.initrd;
        if (b.rootDisk !== undefined) {
            const { createRootOverlay, findRootDisk, NO_HVC_GETTY } = await import('../images/rootfs/index.js');
            const root = findRootDisk(img.dir);
            if (root) {
                const overlay = await createRootOverlay(root.disk, b.rootDisk.overlay ?? join(img.dir, 'root-overlay.qcow2'));
                disks.unshift({ path: overlay, format: 'qcow2' });
                // Disks built before the mask was part of the command line get it here.
                cmdline ??= root.cmdline.includes(NO_HVC_GETTY) ? root.cmdline : `${root.cmdline} ${NO_HVC_GETTY}`;
                log(`booting the Debian root disk (changes go to ${overlay})`);
            }
        }
        cmdline ??= img.cmdline;
    }
    cmdline ??= 'console=ttyS0';
    const hostname = d.hostname ?? (d.name !== undefined ? hostnameFor(d.name) : undefined);
    if (hostname && !/(^|\s)systemd\.hostname=/.test(cmdline))
        cmdline = `${cmdline} systemd.hostname=${hostname}`;
    const kernel = host.bootFiles?.kernel ?? readInput(kernelPath, 'kernel');
    const initrd = host.bootFiles ? host.bootFiles.initrd : initrdPath ? readInput(initrdPath, 'initrd') : undefined;
    return { kernel, kernelName: kernelPath, initrd, cmdline, disks };
}
/** A boot loader for booting from the disks: the cached U-Boot (pulled if needed) or the user's file. */
async function resolveFirmware(firmware, disks, host) {
    let path = firmware;
    if (firmware === 'u-boot') {
        const { findCachedUboot, pullUboot } = await import('../images/firmware.js');
        const log = host.log ?? (() => undefined);
        path = (findCachedUboot() ??
            (log('U-Boot is not cached yet; pulling it now'), await pullUboot({ mirror: host.mirror, log }))).path;
    }
    if (disks.length === 0)
        throw new VmConfigError('booting from disk (a boot loader) needs at least one disk');
    return { kernel: readInput(path, 'boot loader'), kernelName: path, kernelFormat: 'raw', cmdline: '', disks };
}
/** The board's configuration for a resolved boot, before devices (the lockstep checker builds its boards from it). */
export function boardConfig(d, boot, consoleOut) {
    return {
        memoryBytes: d.memoryBytes,
        cpus: d.cpus,
        kernel: boot.kernel,
        kernelName: boot.kernelName,
        kernelFormat: boot.kernelFormat,
        initrd: boot.initrd,
        cmdline: boot.cmdline,
        consoleOut,
        engine: d.engine?.kind ?? 'jit',
        jitProfile: d.engine?.profile ?? false,
        jitThreshold: d.engine?.jitThreshold,
    };
}
/** virtio-blk per disk, virtio-net per NIC, virtio-9p per share, then rng, console and the power button. On failure, what was opened is closed. */
async function buildDevices(disks, nics, shares, consoleOut, hostMessage, host) {
    const agent = new GuestAgent(host.vm ?? 'the VM');
    const console = new VirtioConsole({ write: consoleOut }, { ports: [{ name: GUEST_AGENT_PORT, host: agent }] });
    const agentPort = console.port(GUEST_AGENT_PORT);
    agent.attach({
        get open() {
            return agentPort.guestOpen;
        },
        send: (d) => agentPort.send(d),
    });
    const out = { devices: [], disks: [], closers: [], console, powerButton: new VirtioInput(), agent };
    try {
        for (const d of disks) {
            if (!existsSync(d.path))
                throw new VmConfigError(`disk image not found: ${d.path}`);
            let backend;
            try {
                backend = await openDisk(d.path, {
                    readOnly: d.readOnly ?? false,
                    format: d.format,
                    warn: (m) => hostMessage(`warning: ${m}`),
                });
            }
            catch (e) {
                throw new VmConfigError(`cannot open disk ${d.path}: ${e.message}`);
            }
            out.closers.push(() => backend.close());
            out.disks.push({ path: d.path, backend });
            out.devices.push({ device: new VirtioBlk(backend), name: `virtio-blk ${d.path}` });
        }
        for (const [i, n] of nics.entries()) {
            let backend;
            const mac = n.mac !== undefined ? parseMac(n.mac, i) : randomMac();
            const nicLog = (msg) => hostMessage(`nic ${i}: ${msg}`);
            try {
                if (n.kind === 'network') {
                    if (!host.openNetwork)
                        throw new Error(`nic ${i}: network NICs need the VM manager (its networks)`);
                    const link = await host.openNetwork({
                        network: n.network,
                        mac: [...mac].map((b) => b.toString(16).padStart(2, '0')).join(':'),
                        ip: n.ip,
                        vm: host.vm,
                    }, nicLog);
                    out.closers.push(() => link.close());
                    backend = link;
                }
                else {
                    backend = await openNicBackend(n, nicLog);
                }
            }
            catch (e) {
                throw new VmConfigError(e.message);
            }
            if (backend instanceof StreamNetBackend)
                out.closers.push(() => backend.close());
            out.devices.push({ device: new VirtioNet(backend, { mac }), name: `virtio-net ${i}` });
        }
        for (const s of shares) {
            let st;
            try {
                st = statSync(s.path);
            }
            catch {
                throw new VmConfigError(`shared directory not found: ${s.path}`);
            }
            if (!st.isDirectory())
                throw new VmConfigError(`a share must be a directory: ${s.path}`);
            let fs;
            try {
                fs = new HostShareFs(s.path, { readOnly: s.readOnly ?? false });
            }
            catch (e) {
                throw new VmConfigError(`cannot open shared directory ${s.path}: ${e.message}`);
            }
            out.closers.push(() => fs.closeAll());
            out.devices.push({ device: new VirtioNineP(fs, s.tag), name: `virtio-9p ${s.tag}` });
        }
    }
    catch (e) {
        for (const c of out.closers)
            await c();
        throw e;
    }
    out.devices.push({ device: new VirtioRng(), name: 'virtio-rng' });
    out.devices.push({ device: out.console, name: 'virtio-console' });
    out.devices.push({ device: out.powerButton, name: 'virtio-input power button' });
    return out;
}
/** Builds the VM a description states: files read, disks opened, the board wired and booted. Start it with start(). */
export async function buildVm(d, host = {}) {
    validateDescription(d);
    const boot = await resolveBoot(d, host);
    const hub = new ConsoleHub();
    const clock = new GuestClock();
    // Devices report to the VM once it exists, to the build's log before.
    const to = {};
    const report = (m) => (to.vm ? to.vm.hostMessage(m) : host.log?.(m));
    const vmHost = d.hostname ?? (d.name !== undefined ? hostnameFor(d.name) : undefined);
    const built = await buildDevices(boot.disks, d.nics ?? [], d.shares ?? [], hub.output, report, {
        ...host,
        vm: vmHost,
    });
    let board;
    try {
        board = new VirtMachine({
            ...boardConfig(d, boot, hub.output),
            clock: clock.now,
            virtio: built.devices,
            log: (m) => to.vm?.guestMessage(m),
        });
        board.boot();
    }
    catch (e) {
        for (const c of built.closers)
            await c();
        if (e instanceof RangeError)
            throw new VmConfigError(`cannot allocate ${mib(d.memoryBytes)} of guest RAM: ${e.message}`);
        throw new VmConfigError(e.message);
    }
    const { console: virtioConsole, powerButton, agent } = built;
    const vm = new Vm({
        name: d.name ?? 'typevisor',
        board,
        console: hub,
        clock,
        cmdline: boot.cmdline,
        closers: built.closers,
        disks: built.disks,
        resizeConsole: (cols, rows) => virtioConsole.setSize(cols, rows),
        powerButton: () => powerButton.pressPowerButton(),
        agent,
        reboot: d.onReset !== 'stop',
        runLoop: host.runLoop,
    });
    to.vm = vm;
    return vm;
}
//# sourceMappingURL=builder.js.map