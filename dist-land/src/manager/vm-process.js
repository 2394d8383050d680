// The VM process: runs one VM in the background and serves its control and console sockets (`typevisor start` spawns it).
import { createServer } from 'node:net';
import { isLive, listenOn } from '../net/socket-path.js';
import { existsSync, rmSync } from 'node:fs';
import { basename, dirname, resolve } from 'node:path';
import { buildVm } from '../vmm/builder.js';
import { VmError } from '../vmm/vm.js';
import { CappedLog } from './capped-log.js';
import { parseControlRequest } from './control-protocol.js';
import { ManagerError } from './errors.js';
import { LineSplitter } from './lines.js';
import { ensureSocketDir, vmPaths } from './paths.js';
import { processStartTicks } from './proc.js';
import { writeRuntimeStateSync } from './runtime-state.js';
import { machineDescription } from './machine-description.js';
import { openNetworkNic } from './networks.js';
import { readDefinition } from './store.js';
import { suspendedStatePath } from './suspend.js';
/** A console or event client that stops reading is dropped once this much output waits for it. */
const MAX_PENDING_BYTES = 4 * 1024 * 1024;
/** Records a crash in state.json: set once the state file is ours. */
let recordCrash = () => undefined;
function log(line) {
    process.stderr.write(`${new Date().toISOString()} ${line}\n`);
}
/** Output of the serial console: appended to the capped log and sent to every attached client, batched per turn. */
class ConsoleFanout {
    file;
    clients = new Set();
    pending = [];
    scheduled = false;
    constructor(file) {
        this.file = file;
    }
    out(bytes) {
        this.pending.push(Buffer.from(bytes));
        if (!this.scheduled) {
            this.scheduled = true;
            setImmediate(() => this.flush());
        }
    }
    flush() {
        this.scheduled = false;
        if (!this.pending.length)
            return;
        const buf = Buffer.concat(this.pending);
        this.pending = [];
        try {
            this.file.write(buf);
        }
        catch (e) {
            log(`console log: ${e.message}`);
        }
        for (const c of this.clients) {
            if (c.writableLength > MAX_PENDING_BYTES)
                c.destroy();
            else
                c.write(buf);
        }
    }
}
async function main(vmDir) {
    process.umask(0o077);
    const paths = vmPaths(resolve(vmDir, '..', '..'), basename(vmDir));
    for (const s of [paths.controlSocket, paths.consoleSocket])
        if (await isLive(s)) {
            log(`another process serves ${s}: not starting a second copy of ${paths.name}`);
            return 1;
        }
    const startTicks = processStartTicks(process.pid) ?? 0;
    const startedAt = new Date().toISOString();
    let current = { pid: process.pid, startTicks, state: 'created', startedAt, updatedAt: startedAt };
    const record = (state, reason) => {
        current = { ...current, state, reason, updatedAt: new Date().toISOString() };
        writeRuntimeStateSync(paths, current);
    };
    record('created');
    recordCrash = (reason) => record('crashed', reason);
    rmSync(paths.exitStatus, { force: true });
    // Sockets of a process that died are stale files: nobody answered on them above.
    ensureSocketDir(paths);
    for (const s of [paths.controlSocket, paths.consoleSocket])
        rmSync(s, { force: true });
    const subscribers = new Set();
    const send = (sock, msg) => {
        if (sock.writableLength > MAX_PENDING_BYTES)
            sock.destroy();
        else
            sock.write(`${JSON.stringify(msg)}\n`);
    };
    const consoleLog = new CappedLog(paths.consoleLog);
    const fanout = new ConsoleFanout(consoleLog);
    let vm;
    try {
        const home = resolve(vmDir, '..', '..');
        vm = await buildVm(machineDescription(paths, readDefinition(paths)), {
            log,
            openNetwork: (nic, nicLog) => openNetworkNic(home, nic, nicLog),
        });
    }
    catch (e) {
        const reason = `failed to start: ${e.message}`;
        log(reason);
        record('stopped', reason);
        return e instanceof ManagerError && e.kind === 'bad-input' ? 2 : 1;
    }
    // A suspended VM resumes from its saved state; the file goes once the state is in the machine, because the guest's
    // disks move on from here and the state would no longer match them.
    const saved = suspendedStatePath(paths);
    const resumed = existsSync(saved);
    if (resumed) {
        try {
            vm.restore(saved);
        }
        catch (e) {
            const reason = `failed to resume from ${saved}: ${e.message} (remove that file to boot afresh)`;
            log(reason);
            record('stopped', reason);
            return 1;
        }
        rmSync(saved);
        log(`resumed from ${saved}`);
    }
    vm.attachConsole((b) => fanout.out(b));
    vm.subscribe((e) => {
        if (e.event === 'state')
            record(e.state, e.reason);
        log(e.event === 'state' ? `state ${e.state}${e.reason ? `: ${e.reason}` : ''}` : `${e.event}: ${e.message}`);
        for (const s of subscribers)
            send(s, e);
    });
    const sockets = new Set();
    const control = createServer((sock) => {
        sockets.add(sock);
        sock.on('close', () => {
            sockets.delete(sock);
            subscribers.delete(sock);
        });
        sock.on('error', () => undefined);
        const splitter = new LineSplitter((line) => {
            if (!line.trim())
                return;
            const parsed = parseControlRequest(line);
            if (!parsed.ok) {
                send(sock, { id: parsed.id, ok: false, error: { code: parsed.code, message: parsed.message } });
                return;
            }
            const req = parsed.request;
            vm.act(req).then((result) => {
                send(sock, { id: req.id, ok: true, result });
                if (req.action === 'subscribe')
                    subscribers.add(sock);
            }, (e) => {
                const code = e instanceof VmError ? e.code : 'failed';
                send(sock, { id: req.id, ok: false, error: { code, message: e.message } });
            });
        }, () => {
            send(sock, { id: 0, ok: false, error: { code: 'bad-request', message: 'request line too long' } });
            sock.end();
        });
        sock.on('data', (d) => splitter.push(d));
    });
    const console_ = createServer((sock) => {
        sockets.add(sock);
        fanout.clients.add(sock);
        sock.on('close', () => {
            sockets.delete(sock);
            fanout.clients.delete(sock);
        });
        sock.on('error', () => undefined);
        // Input waits in the VM's bounded queue until the guest takes it; a full queue pauses this client's socket.
        sock.on('data', (d) => {
            if (!vm.writeConsole(new Uint8Array(d))) {
                sock.pause();
                void vm.consoleDrained().then(() => sock.resume());
            }
        });
    });
    await listenOn(control, paths.controlSocket);
    await listenOn(console_, paths.consoleSocket);
    const terminate = (signal) => {
        log(`${signal}: powering off`);
        if (vm.state === 'running' || vm.state === 'paused' || vm.state === 'stopping')
            void vm.kill(`powered off by ${signal}`).catch(() => undefined);
    };
    process.on('SIGTERM', () => terminate('SIGTERM'));
    process.on('SIGINT', () => terminate('SIGINT'));
    process.on('SIGHUP', () => undefined);
    vm.start();
    // The guest's clock stood still while it was saved: its agent, if it has one, sets it again.
    if (resumed)
        vm.syncGuestClock();
    await vm.finished;
    // Replies to actions that ended the VM (stop, kill) are written on the turns after it ended.
    await new Promise((r) => setImmediate(r));
    fanout.flush();
    // The final state was recorded and sent to subscribers as the VM's last event; the sockets go now.
    control.close();
    console_.close();
    for (const s of [paths.controlSocket, paths.consoleSocket])
        rmSync(s, { force: true });
    await Promise.all([...sockets].map((s) => new Promise((done) => {
        s.once('close', () => done());
        s.end();
        setTimeout(() => {
            s.destroy();
            done();
        }, 1000).unref();
    })));
    consoleLog.close();
    return vm.state === 'crashed' ? 1 : 0;
}
const dir = process.argv[2];
if (!dir || basename(dirname(resolve(dir))) !== 'vms') {
    process.stderr.write('usage: vm-process.js $TYPEVISOR_HOME/vms/NAME (started by `typevisor start`)\n');
    process.exit(2);
}
const fatal = (e) => {
    log(`fatal: ${e.stack ?? String(e)}`);
    try {
        recordCrash(`error in the VM process: ${e.message ?? String(e)}`.split('\n')[0]);
    }
    finally {
        process.exit(1);
    }
};
process.on('uncaughtException', fatal);
main(resolve(dir)).then((code) => process.exit(code), fatal);
//# sourceMappingURL=vm-process.js.map