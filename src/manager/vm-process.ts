// The VM process: runs one VM in the background and serves its control and console sockets (`typevisor start` spawns it).
import { createServer, type Socket } from 'node:net';
import { isLive, listenOn } from '../net/socket-path.js';
import { existsSync, rmSync } from 'node:fs';
import { basename, dirname, resolve } from 'node:path';
import type { ControlReply, VmEvent, VmState } from '../vmm/actions.js';
import { buildVm } from '../vmm/builder.js';
import { VmError, type Vm } from '../vmm/vm.js';
import { CappedLog } from './capped-log.js';
import { parseControlRequest } from './control-protocol.js';
import { ManagerError } from './errors.js';
import { LineSplitter } from './lines.js';
import { ensureSocketDir, vmPaths, type VmPaths } from './paths.js';
import { processStartTicks } from './proc.js';
import { writeRuntimeStateSync, type RuntimeState } from './runtime-state.js';
import { machineDescription } from './machine-description.js';
import { openNetworkNic } from './networks.js';
import { readDefinition } from './store.js';
import { suspendedStatePath } from './suspend.js';
import { arrivalIfIncoming, migrateAction } from '../migrate/process.js';
import type { Arrival } from '../migrate/incoming.js';

/** A console or event client that stops reading is dropped once this much output waits for it. */
const MAX_PENDING_BYTES = 4 * 1024 * 1024;

/** Records a crash in state.json: set once the state file is ours. */
let recordCrash: (reason: string) => void = () => undefined;

function log(line: string): void {
  process.stderr.write(`${new Date().toISOString()} ${line}\n`);
}

/** Output of the serial console: appended to the capped log and sent to every attached client, batched per turn. */
class ConsoleFanout {
  readonly clients = new Set<Socket>();
  private pending: Buffer[] = [];
  private scheduled = false;

  constructor(private readonly file: CappedLog) {}

  out(bytes: Uint8Array): void {
    this.pending.push(Buffer.from(bytes));
    if (!this.scheduled) {
      this.scheduled = true;
      setImmediate(() => this.flush());
    }
  }

  flush(): void {
    this.scheduled = false;
    if (!this.pending.length) return;
    const buf = Buffer.concat(this.pending);
    this.pending = [];
    try {
      this.file.write(buf);
    } catch (e) {
      log(`console log: ${(e as Error).message}`);
    }
    for (const c of this.clients) {
      if (c.writableLength > MAX_PENDING_BYTES) c.destroy();
      else c.write(buf);
    }
  }
}

async function main(vmDir: string): Promise<number> {
  process.umask(0o077);
  const paths: VmPaths = vmPaths(resolve(vmDir, '..', '..'), basename(vmDir));
  for (const s of [paths.controlSocket, paths.consoleSocket])
    if (await isLive(s)) {
      log(`another process serves ${s}: not starting a second copy of ${paths.name}`);
      return 1;
    }
  const startTicks = processStartTicks(process.pid) ?? 0;
  const startedAt = new Date().toISOString();
  let current: RuntimeState = { pid: process.pid, startTicks, state: 'created', startedAt, updatedAt: startedAt };
  const record = (state: VmState, reason?: string) => {
    current = { ...current, state, reason, updatedAt: new Date().toISOString() };
    writeRuntimeStateSync(paths, current);
  };
  record('created');
  recordCrash = (reason) => record('crashed', reason);
  rmSync(paths.exitStatus, { force: true });
  // Sockets of a process that died are stale files: nobody answered on them above.
  ensureSocketDir(paths);
  for (const s of [paths.controlSocket, paths.consoleSocket]) rmSync(s, { force: true });

  const subscribers = new Set<Socket>();
  const send = (sock: Socket, msg: ControlReply | VmEvent) => {
    if (sock.writableLength > MAX_PENDING_BYTES) sock.destroy();
    else sock.write(`${JSON.stringify(msg)}\n`);
  };
  const consoleLog = new CappedLog(paths.consoleLog);
  const fanout = new ConsoleFanout(consoleLog);

  // A VM arriving by live migration: its RAM and state come first, then the disks are free to open (src/migrate).
  let arrival: Arrival | undefined;
  try {
    arrival = await arrivalIfIncoming(paths, log);
  } catch (e) {
    const reason = `migration failed: ${(e as Error).message}`;
    log(reason);
    record('stopped', reason);
    return 1;
  }
  // A suspended VM resumes from its saved state; the file goes once the state is in the machine, because the guest's
  // disks move on from here and the state would no longer match them.
  const saved = suspendedStatePath(paths);
  const resumed = !arrival && existsSync(saved);
  let vm: Vm;
  try {
    const home = resolve(vmDir, '..', '..');
    vm = await buildVm(machineDescription(paths, readDefinition(paths)), {
      log,
      openNetwork: (nic, nicLog) => openNetworkNic(home, nic, nicLog),
      restoring: arrival !== undefined || resumed,
    });
  } catch (e) {
    const reason = `failed to start: ${(e as Error).message}`;
    log(reason);
    await arrival?.fail(reason);
    record('stopped', reason);
    return e instanceof ManagerError && e.kind === 'bad-input' ? 2 : 1;
  }
  if (arrival) {
    try {
      vm.restoreState(arrival.state, arrival.ram, arrival.present);
    } catch (e) {
      const reason = `the migrated machine does not fit: ${(e as Error).message}`;
      log(reason);
      await arrival.fail(reason);
      record('stopped', reason);
      return 1;
    }
  } else if (resumed) {
    try {
      vm.restore(saved);
    } catch (e) {
      const reason = `failed to resume from ${saved}: ${(e as Error).message} (remove that file to boot afresh)`;
      log(reason);
      record('stopped', reason);
      return 1;
    }
    rmSync(saved);
    log(`resumed from ${saved}`);
  }
  vm.attachConsole((b) => fanout.out(b));
  vm.subscribe((e) => {
    if (e.event === 'state') record(e.state, e.reason);
    log(e.event === 'state' ? `state ${e.state}${e.reason ? `: ${e.reason}` : ''}` : `${e.event}: ${e.message}`);
    for (const s of subscribers) send(s, e);
  });

  const sockets = new Set<Socket>();
  const control = createServer((sock) => {
    sockets.add(sock);
    sock.on('close', () => {
      sockets.delete(sock);
      subscribers.delete(sock);
    });
    sock.on('error', () => undefined);
    const splitter = new LineSplitter(
      (line) => {
        if (!line.trim()) return;
        const parsed = parseControlRequest(line);
        if (!parsed.ok) {
          send(sock, { id: parsed.id, ok: false, error: { code: parsed.code, message: parsed.message } });
          return;
        }
        const req = parsed.request;
        (req.action === 'migrate' ? migrateAction(vm, paths, req, log) : vm.act(req)).then(
          (result) => {
            send(sock, { id: req.id, ok: true, result });
            if (req.action === 'subscribe') subscribers.add(sock);
          },
          (e: unknown) => {
            const code = e instanceof VmError ? e.code : 'failed';
            send(sock, { id: req.id, ok: false, error: { code, message: (e as Error).message } });
          },
        );
      },
      () => {
        send(sock, { id: 0, ok: false, error: { code: 'bad-request', message: 'request line too long' } });
        sock.end();
      },
    );
    sock.on('data', (d: Buffer) => splitter.push(d));
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
    sock.on('data', (d: Buffer) => {
      if (!vm.writeConsole(new Uint8Array(d))) {
        sock.pause();
        void vm.consoleDrained().then(() => sock.resume());
      }
    });
  });
  await listenOn(control, paths.controlSocket);
  await listenOn(console_, paths.consoleSocket);

  const terminate = (signal: string) => {
    log(`${signal}: powering off`);
    if (vm.state === 'running' || vm.state === 'paused' || vm.state === 'stopping')
      void vm.kill(`powered off by ${signal}`).catch(() => undefined);
  };
  process.on('SIGTERM', () => terminate('SIGTERM'));
  process.on('SIGINT', () => terminate('SIGINT'));
  process.on('SIGHUP', () => undefined);

  vm.start();
  // The guest's clock stood still while it was saved or migrating: its agent, if it has one, sets it again (a VM that
  // arrives paused has it set when it is resumed).
  if (resumed || (arrival && !arrival.paused)) vm.syncGuestClock();
  if (arrival) {
    const a = arrival;
    arrival = undefined; // its RAM copy can go
    await a.arrived(vm).catch((e: Error) => log(`migration: telling the source failed: ${e.message}`));
  }
  await vm.finished;
  // Replies to actions that ended the VM (stop, kill) are written on the turns after it ended.
  await new Promise((r) => setImmediate(r));
  fanout.flush();
  // The final state was recorded and sent to subscribers as the VM's last event; the sockets go now.
  control.close();
  console_.close();
  for (const s of [paths.controlSocket, paths.consoleSocket]) rmSync(s, { force: true });
  await Promise.all(
    [...sockets].map(
      (s) =>
        new Promise<void>((done) => {
          s.once('close', () => done());
          s.end();
          setTimeout(() => {
            s.destroy();
            done();
          }, 1000).unref();
        }),
    ),
  );
  consoleLog.close();
  return vm.state === 'crashed' ? 1 : 0;
}

const dir = process.argv[2];
if (!dir || basename(dirname(resolve(dir))) !== 'vms') {
  process.stderr.write('usage: vm-process.js $TYPEVISOR_HOME/vms/NAME (started by `typevisor start`)\n');
  process.exit(2);
}
const fatal = (e: unknown) => {
  log(`fatal: ${(e as Error).stack ?? String(e)}`);
  try {
    recordCrash(`error in the VM process: ${(e as Error).message ?? String(e)}`.split('\n')[0]);
  } finally {
    process.exit(1);
  }
};
process.on('uncaughtException', fatal);
main(resolve(dir)).then((code) => process.exit(code), fatal);
