// The sending side of a live migration: handshake, definition, iterative pre-copy of RAM, stop-and-copy, handover.
import { createConnection, type Socket } from 'node:net';
import { setImmediate as yieldToNode } from 'node:timers/promises';
import type { Vm } from '../vmm/vm.js';
import { residentPages } from '../state/state-file.js';
import { DirtyTracker } from './dirty.js';
import { ramCrc32 } from './ram-crc.js';
import { MigrationError, Msg, PAGE, PAGES_PER_FRAME, parseTcpAddress, Wire } from './wire.js';

/** Pre-copy rounds at most, before stop-and-copy whatever is left. */
export const MAX_ROUNDS = 30;
/** The downtime the pre-copy aims at: it stops when the dirty pages left would take about this long to send. */
export const TARGET_DOWNTIME_MS = 300;
/** Frames sent between two turns of the VM's run loop while it runs: the guest keeps running during pre-copy. */
const FRAMES_PER_TURN = 4;
const CONNECT_TIMEOUT_MS = 10_000;
/** How long the receiver may take to arrive (open disks, restore, start) once the source stopped. */
const ARRIVAL_TIMEOUT_MS = 120_000;

/** What a migration did: the command prints these. */
export interface MigrationReport {
  target: string;
  totalMs: number;
  /** From the source's pause to the receiver's report that the VM runs. */
  downtimeMs: number;
  rounds: number;
  pagesSent: number;
  bytesSent: number;
  /** Pages sent while the VM was stopped. */
  finalPages: number;
  /** CRC-32 of all of RAM at stop-and-copy (the receiver checked its copy against it). */
  ramCrc: number;
}

export interface MigrateOptions {
  target: string;
  token: string;
  /** The definition the receiver creates the VM from (disk paths absolute). */
  definition: unknown;
  log?: (line: string) => void;
  /** Where to save the machine if the migration fails after the disks were handed over (`start` resumes it). */
  fallbackStatePath: string;
}

function connect(host: string, port: number): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const s = createConnection({ host, port });
    const timer = setTimeout(() => {
      s.destroy();
      reject(new MigrationError(`no connection to ${host}:${port} within ${CONNECT_TIMEOUT_MS / 1000} s`));
    }, CONNECT_TIMEOUT_MS);
    s.once('connect', () => {
      clearTimeout(timer);
      s.setNoDelay(true);
      resolve(s);
    });
    s.once('error', (e) => {
      clearTimeout(timer);
      reject(new MigrationError(`cannot connect to ${host}:${port}: ${e.message}`));
    });
  });
}

/** A timeout on a promise: the migration gives up instead of hanging on a silent peer. */
async function within<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      p,
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new MigrationError(`${what}: no answer within ${ms / 1000} s`)), ms);
      }),
    ]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Migrates a running or paused VM to a receiver. Until the receiver asks for the disks, any failure (a wrong token,
 * garbage, a closed connection) leaves the VM as it was: running on. After the disks were handed over, a failure saves
 * the machine to `fallbackStatePath` and ends it, so that `start` resumes it. On success the VM ends here.
 */
export async function migrateOut(vm: Vm, o: MigrateOptions): Promise<MigrationReport> {
  const log = o.log ?? (() => undefined);
  const { host, port } = parseTcpAddress(o.target);
  const t0 = performance.now();
  const socket = await connect(host, port);
  const wire = new Wire(socket, 'source');
  const m = vm.board;
  let tracker: DirtyTracker | undefined;
  let pausedHere = false;
  let handedOver = false;
  let pagesSent = 0;
  const ram = m.mem.u8.subarray(m.mem.ramOffset, m.mem.ramOffset + m.mem.ramSize);
  const sendPages = async (pages: Uint32Array | number[], yieldBetween: boolean): Promise<void> => {
    for (let i = 0; i < pages.length; i += PAGES_PER_FRAME) {
      const n = Math.min(PAGES_PER_FRAME, pages.length - i);
      const frame = Buffer.allocUnsafe(4 + n * (4 + PAGE));
      frame.writeUInt32LE(n, 0);
      for (let k = 0; k < n; k++) {
        const p = pages[i + k];
        const at = 4 + k * (4 + PAGE);
        frame.writeUInt32LE(p, at);
        frame.set(ram.subarray(p * PAGE, (p + 1) * PAGE), at + 4);
      }
      await wire.send(Msg.Pages, frame);
      pagesSent += n;
      if (yieldBetween && (i / PAGES_PER_FRAME) % FRAMES_PER_TURN === FRAMES_PER_TURN - 1) await yieldToNode();
    }
  };
  try {
    await within(wire.connectPeer(o.token), CONNECT_TIMEOUT_MS, 'the handshake');
    await wire.sendJson(Msg.Definition, { definition: o.definition, ramBytes: m.mem.ramSize });
    await within(wire.expect(Msg.Accept, 'the receiver to accept the VM'), CONNECT_TIMEOUT_MS * 3, 'the receiver');
    log(`connected to ${o.target}: sending RAM`);
    // Round 0: every page that is not zero (the receiver's RAM starts zeroed); then what was written meanwhile.
    tracker = new DirtyTracker(m);
    // Pages the host never mapped are zero and are not read (reading would map them).
    const zero = new Uint8Array(PAGE);
    const resident = residentPages(ram);
    const unmapped = (p: number) => resident !== null && (resident[p] & 1) === 0;
    const first: number[] = [];
    for (let p = 0; p < ram.length / PAGE; p++)
      if (!unmapped(p) && Buffer.compare(ram.subarray(p * PAGE, (p + 1) * PAGE), zero) !== 0) first.push(p);
    let rounds = 1;
    let roundStart = performance.now();
    await sendPages(first, true);
    let rate = (first.length * PAGE) / Math.max(1, performance.now() - roundStart); // bytes per ms
    await wire.sendJson(Msg.RoundEnd, { round: 0, pages: first.length });
    let dirty = tracker.take();
    let best = Infinity;
    let stalled = 0;
    while (rounds < MAX_ROUNDS && (dirty.length * PAGE) / rate > TARGET_DOWNTIME_MS && stalled < 3) {
      if (dirty.length < best) {
        best = dirty.length;
        stalled = 0;
      } else stalled++;
      roundStart = performance.now();
      await sendPages(dirty, true);
      rate = Math.max(rate, (dirty.length * PAGE) / Math.max(1, performance.now() - roundStart));
      await wire.sendJson(Msg.RoundEnd, { round: rounds, pages: dirty.length });
      rounds++;
      dirty = tracker.take();
    }
    // Stop-and-copy: the guest stops, its devices finish what is in flight, the rest of RAM and the state go.
    const stoppedAt = performance.now();
    const wasPaused = vm.state === 'paused';
    if (!wasPaused) {
      await vm.pause();
      pausedHere = true;
    }
    const state = await vm.captureState();
    const last = tracker.take();
    const merged = new Uint8Array(ram.length / PAGE);
    for (const p of dirty) merged[p] = 1;
    for (const p of last) merged[p] = 1;
    const finalPages: number[] = [];
    for (let p = 0; p < merged.length; p++) if (merged[p]) finalPages.push(p);
    await sendPages(finalPages, false);
    tracker.stop();
    // A page unmapped before round 0 may have been written since: only a fresh look says which are still unmapped.
    const residentNow = residentPages(ram);
    const ramCrc = ramCrc32(ram, (p) => residentNow !== null && (residentNow[p] & 1) === 0);
    await wire.sendJson(Msg.State, { state, ramCrc, paused: wasPaused });
    const sentAt = performance.now();
    log(`stopped: ${finalPages.length} pages and the state sent ${Math.round(sentAt - stoppedAt)} ms after the pause`);
    await within(wire.expect(Msg.Handover, 'the receiver to take over'), ARRIVAL_TIMEOUT_MS, 'the receiver');
    // From here the receiver owns the disks: this side never runs the guest again.
    handedOver = true;
    const closeErrors = await vm.closeDevices();
    if (closeErrors.length) throw new MigrationError(`closing the disks failed: ${closeErrors.join('; ')}`);
    await wire.send(Msg.Released);
    log(`the receiver checked RAM and state after ${Math.round(performance.now() - sentAt)} ms: disks released`);
    await within(wire.expect(Msg.Running, 'the receiver to run the VM'), ARRIVAL_TIMEOUT_MS, 'the receiver');
    const end = performance.now();
    socket.end();
    const report: MigrationReport = {
      target: o.target,
      totalMs: Math.round(end - t0),
      downtimeMs: Math.round(end - stoppedAt),
      rounds,
      pagesSent,
      bytesSent: socket.bytesWritten,
      finalPages: finalPages.length,
      ramCrc,
    };
    void vm.kill(`migrated to ${o.target}`).catch(() => undefined);
    return report;
  } catch (e) {
    tracker?.stop();
    socket.destroy();
    const why = (e as Error).message;
    if (handedOver) {
      // The receiver may hold the disks now: this side must not run again. Saved, the machine is not lost.
      try {
        await vm.save(o.fallbackStatePath);
        void vm.kill(`migration failed after the disks were handed over (${why}): saved, start resumes it`);
      } catch (saveError) {
        void vm.kill(`migration failed after the disks were handed over (${why}); saving failed too`);
        throw new MigrationError(`${why}; saving the machine failed: ${(saveError as Error).message}`);
      }
      throw new MigrationError(`${why}; the VM was saved here and stopped: \`start\` resumes it`);
    }
    if (pausedHere && vm.state === 'paused') vm.resume();
    throw e instanceof MigrationError ? e : new MigrationError(why);
  }
}
