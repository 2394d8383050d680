// Saved-state benchmark: snapshot, save, restore and live migration of a 1 GiB Debian guest at its shell prompt and
// after filling 512 MiB of its memory, typevisor's CLI against QEMU's savevm/loadvm and migration on the same guest.
import { execFileSync, spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, copyFileSync } from 'node:fs';
import { createConnection, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { findCachedDebian, pullDebian } from '../src/images/debian.js';
import { GuestConsole, GUEST_PROMPT } from '../test/harness/guest-console.js';
import { ManagerHome } from '../test/harness/manager-cli.js';

/** Bounds a hang on a slow shared machine. */
const WAIT_MS = 15 * 60_000;
/** What fills 512 MiB of the guest's memory: random data (no zero pages) in its RAM-backed root file system. */
const FILL = 'dd if=/dev/urandom of=/tmp/fill bs=1M count=512 2>/dev/null; echo filled';

interface Figures {
  /** How long the guest stood still for a snapshot. */
  snapshotPauseMs: number;
  /** Save to a file: the command, start to end. */
  saveMs: number;
  /** Restore from the file to a running guest: the command (or process), start to running. */
  restoreMs: number;
  migrateDowntimeMs: number;
  migrateTotalMs: number;
  /** Bytes of the saved file. */
  fileBytes: number;
}

async function until(what: string, ok: () => boolean | Promise<boolean>): Promise<void> {
  const deadline = Date.now() + WAIT_MS;
  while (!(await ok())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(20);
  }
}

async function timed<T>(f: () => Promise<T>): Promise<[T, number]> {
  const t0 = performance.now();
  const r = await f();
  return [r, performance.now() - t0];
}

// ---- typevisor, through its CLI (two homes for migration) ----

function consoleLog(h: ManagerHome, name: string): string {
  const p = join(h.dir, 'vms', name, 'console.log');
  return existsSync(p) ? readFileSync(p, 'latin1') : '';
}

async function tvGuest(h: ManagerHome, name: string, cmd: string): Promise<string> {
  const child = h.spawn('console', name, '--settle', '0.5');
  const con = new GuestConsole(child);
  const out = await con.run(cmd);
  child.stdin.end();
  await new Promise((done) => child.on('exit', done));
  return out;
}

async function tv(h: ManagerHome, ...args: string[]): Promise<string> {
  const r = await h.tv(...args);
  if (r.code !== 0) throw new Error(`typevisor ${args.join(' ')}: ${r.stderr}`);
  // Notes such as the snapshot's pause go to stderr, figures to stdout.
  return r.stdout + r.stderr;
}

async function typevisorStages(disk: string): Promise<Figures[]> {
  const homes = [new ManagerHome('tv-bench-state-a-'), new ManagerHome('tv-bench-state-b-')];
  const name = 'st';
  const out: Figures[] = [];
  try {
    await tv(homes[0], 'create', name, '--memory', '1G', '--disk', disk);
    await tv(homes[0], 'start', name);
    await until('the shell prompt', () => new RegExp(`root@${name}:[^#]*# `).test(consoleLog(homes[0], name)));
    for (const [i, stage] of ['prompt', 'filled'].entries()) {
      const [h, other] = i % 2 === 0 ? homes : [homes[1], homes[0]];
      if (stage === 'filled') await tvGuest(h, name, FILL);
      const snap = await tv(h, 'snapshot', 'create', name, `bench-${i}`);
      const pause = Number(/paused for (\d+) ms/.exec(snap)?.[1] ?? NaN);
      const [, saveMs] = await timed(() => tv(h, 'suspend', name));
      const fileBytes = statSync(join(h.dir, 'vms', name, 'suspended.tvstate')).size;
      const [, restoreMs] = await timed(() => tv(h, 'start', name));
      await tvGuest(h, name, 'echo alive');
      const receiver = other.spawn('receive', '--listen', 'tcp:127.0.0.1:0');
      let said = '';
      receiver.stdout.on('data', (d: Buffer) => (said += d.toString()));
      await until('the receiver', () => /^token [0-9a-f]{32}$/m.test(said));
      const address = /^listening on (tcp:\S+)$/m.exec(said)![1];
      const token = /^token ([0-9a-f]{32})$/m.exec(said)![1];
      const r = await tv(h, 'migrate', name, address, '--token', token);
      await new Promise((done) => (receiver.exitCode !== null ? done(0) : receiver.on('exit', done)));
      await tvGuest(other, name, 'echo alive');
      // The source keeps the stopped VM's definition ("migrated to ..."): gone, so that the VM can come back here.
      await tv(h, 'delete', name);
      process.stderr.write(
        `typevisor ${stage}: ${snap.trim()}; suspend ${saveMs.toFixed(0)} ms, start ${restoreMs.toFixed(0)} ms; ${r.trim()}\n`,
      );
      out.push({
        snapshotPauseMs: pause,
        saveMs,
        restoreMs,
        migrateDowntimeMs: Number(/downtime (\d+) ms/.exec(r)?.[1] ?? NaN),
        migrateTotalMs: Number(/total (\d+) ms/.exec(r)?.[1] ?? NaN),
        fileBytes,
      });
    }
  } finally {
    for (const h of homes) h.cleanup();
  }
  return out;
}

// ---- QEMU: HMP monitor on a UNIX socket ----

class Hmp {
  private text = '';
  private constructor(private readonly sock: Socket) {
    sock.on('data', (d: Buffer) => (this.text += d.toString('latin1')));
  }

  static async connect(path: string): Promise<Hmp> {
    const deadline = Date.now() + WAIT_MS;
    for (;;) {
      try {
        const sock = await new Promise<Socket>((ok, fail) => {
          const s = createConnection(path, () => ok(s));
          s.once('error', fail);
        });
        const m = new Hmp(sock);
        await until('the QEMU monitor', () => m.text.endsWith('(qemu) '));
        return m;
      } catch (e) {
        if (Date.now() > deadline) throw e;
        await sleep(20);
      }
    }
  }

  /** Runs a command and returns what it printed before the next prompt. */
  async cmd(line: string): Promise<string> {
    this.text = '';
    this.sock.write(`${line}\n`);
    await until(`"${line}"`, () => this.text.endsWith('(qemu) ') && this.text.length > line.length + 8);
    // eslint-disable-next-line no-control-regex -- the monitor colours its output with escape sequences
    return this.text.replace(/\x1b\[[0-9;]*[A-Za-z]/g, '');
  }

  /** Polls `info migrate` until the migration completed; its report. */
  async migrated(): Promise<{ totalMs: number; downtimeMs: number }> {
    for (;;) {
      const s = await this.cmd('info migrate');
      if (/Migration status: (failed|cancelled)/.test(s)) throw new Error(`QEMU migration failed:\n${s}`);
      if (/Migration status: completed/.test(s)) {
        process.stderr.write(
          `qemu: ${s
            .split(/\r?\n/)
            .filter((l) => /time|downtime|transferred/.test(l))
            .join('; ')}\n`,
        );
        return {
          totalMs: Number(/total time: (\d+) ms/.exec(s)?.[1] ?? NaN),
          downtimeMs: Number(/\ndowntime: (\d+) ms/.exec(s)?.[1] ?? NaN),
        };
      }
      await sleep(20);
    }
  }

  close(): void {
    this.sock.destroy();
  }
}

interface Qemu {
  child: ChildProcessWithoutNullStreams;
  con: GuestConsole;
  hmp: Hmp;
}

async function startQemu(dir: string, tag: string, disk: string, extra: string[] = []): Promise<Qemu> {
  const img = (await findCachedDebian())!;
  const monitor = join(dir, `${tag}.mon`);
  const child = spawn(
    'qemu-system-riscv64',
    [
      ...['-M', 'virt', '-m', '1G', '-display', 'none', '-serial', 'stdio', '-bios', 'default'],
      ...['-monitor', `unix:${monitor},server=on,wait=off`],
      ...['-kernel', img.kernel, '-initrd', img.initrd, '-append', img.cmdline],
      ...['-drive', `file=${disk},if=none,id=d0,format=qcow2`, '-device', 'virtio-blk-device,drive=d0'],
      ...extra,
    ],
    { stdio: ['pipe', 'pipe', 'pipe'] },
  ) as ChildProcessWithoutNullStreams;
  const con = new GuestConsole(child);
  return { child, con, hmp: await Hmp.connect(monitor) };
}

function stopQemu(q: Qemu): void {
  q.hmp.close();
  q.child.kill('SIGKILL');
}

let commands = 0;
/**
 * Runs a command on QEMU's serial console and waits for a number the shell computes after it: kernel messages (a
 * restored guest's clock jump makes it print some) may land anywhere in the output, even inside a line.
 */
async function qemuGuest(q: Qemu, cmd: string): Promise<void> {
  const n = ++commands;
  const from = q.con.output.length;
  q.child.stdin.write(`${cmd}; echo done-$((${n} * 1000 + 7))\n`);
  await q.con.waitFor(new RegExp(`done-${n * 1000 + 7}`), `"${cmd}"`, from);
}

async function running(q: Qemu): Promise<void> {
  await until('QEMU running', async () => /VM status: running/.test(await q.hmp.cmd('info status')));
}

async function qemuStages(dir: string, disk: string): Promise<Figures[]> {
  const out: Figures[] = [];
  const all: Qemu[] = [];
  try {
    for (const [i, stage] of ['prompt', 'filled'].entries()) {
      // A freshly booted QEMU per stage: QEMU 7.2's guest sometimes stops answering its console after the migrations
      // of the stage before (it sits idle).
      const q = await startQemu(dir, `src-${i}`, disk);
      all.push(q);
      await q.con.waitFor(GUEST_PROMPT, 'the shell prompt');
      if (stage === 'filled') await qemuGuest(q, FILL);
      // savevm stops the guest for its whole run: its time is the pause.
      const [, snapMs] = await timed(() => q.hmp.cmd(`savevm bench-${i}`));
      await q.hmp.cmd(`delvm bench-${i}`);
      // Save: migration to a file; restore: a new QEMU taking it in (on a copy of the disk: the first holds the lock).
      const file = join(dir, `state-${i}`);
      await q.hmp.cmd('migrate_set_parameter max-bandwidth 100G');
      const [, saveMs] = await timed(async () => {
        await q.hmp.cmd(`migrate -d "exec:cat > ${file}"`);
        return q.hmp.migrated();
      });
      const fileBytes = statSync(file).size;
      await q.hmp.cmd('cont');
      const copy = join(dir, `disk-copy-${i}.qcow2`);
      copyFileSync(disk, copy);
      const [restored, restoreMs] = await timed(async () => {
        const r = await startQemu(dir, `restore-${i}`, copy, ['-incoming', `exec:cat ${file}`]);
        all.push(r);
        await running(r);
        return r;
      });
      stopQemu(restored);
      // Live migration to a second QEMU on a UNIX socket, which carries on as the source of the next stage.
      // Live migration to a second QEMU on a UNIX socket.
      const dest = await startQemu(dir, `dest-${i}`, disk, ['-incoming', `unix:${join(dir, `mig-${i}.sock`)}`]);
      all.push(dest);
      await q.hmp.cmd(`migrate -d unix:${join(dir, `mig-${i}.sock`)}`);
      const mig = await q.hmp.migrated();
      await running(dest);
      stopQemu(dest);
      stopQemu(q);
      out.push({
        snapshotPauseMs: snapMs,
        saveMs,
        restoreMs,
        migrateDowntimeMs: mig.downtimeMs,
        migrateTotalMs: mig.totalMs,
        fileBytes,
      });
    }
  } finally {
    for (const x of all) if (x.child.exitCode === null) stopQemu(x);
  }
  return out;
}

export async function benchState(): Promise<void> {
  if (!(await findCachedDebian())) await pullDebian({});
  const dir = mkdtempSync(join(tmpdir(), 'tvbs-'));
  try {
    const disk = (name: string) => {
      const p = join(dir, name);
      execFileSync('qemu-img', ['create', '-q', '-f', 'qcow2', p, '64M']);
      return p;
    };
    const ours = await typevisorStages(disk('tv.qcow2'));
    const theirs = await qemuStages(dir, disk('qemu.qcow2'));
    console.log('\nsaved state: 1 GiB Debian guest, typevisor (CLI) against QEMU (HMP), milliseconds');
    const cols = ['guest', 'measure', 'typevisor', 'qemu', 'ratio'];
    console.log(cols.map((c, i) => (i < 2 ? c.padEnd(i ? 26 : 8) : c.padStart(11))).join(''));
    const rows: [string, (f: Figures) => number][] = [
      ['snapshot: guest paused', (f) => f.snapshotPauseMs],
      ['save to a file', (f) => f.saveMs],
      ['restore from the file', (f) => f.restoreMs],
      ['live migration downtime', (f) => f.migrateDowntimeMs],
      ['live migration total', (f) => f.migrateTotalMs],
      ['file MiB', (f) => f.fileBytes / 2 ** 20],
    ];
    for (const [i, stage] of ['prompt', 'filled'].entries())
      for (const [what, get] of rows) {
        const a = get(ours[i]),
          b = get(theirs[i]);
        console.log(
          [stage.padEnd(8), what.padEnd(26), a.toFixed(0).padStart(11), b.toFixed(0).padStart(11)].join('') +
            `${(a / b).toFixed(2)}x`.padStart(11),
        );
      }
    console.log(
      'typevisor: `snapshot create` (its reported pause), `suspend`, `start` of the suspended VM (each command start to end), `migrate` to a `receive` in a second home (its report).\n' +
        'qemu: savevm (the guest stops throughout), migrate "exec:cat > FILE" (max-bandwidth unlimited), a new QEMU with -incoming "exec:cat FILE" until running, migrate to a second QEMU on a UNIX socket (its report). "filled": after writing 512 MiB of random data to the guest\'s RAM-backed /tmp.',
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
