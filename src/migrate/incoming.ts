// The receiving VM process's side of a live migration: RAM and machine state in, disks handed over, the VM started.
import { Socket } from 'node:net';
import { VirtioNet } from '../devices/virtio/net.js';
import type { MachineState } from '../state/index.js';
import type { Vm } from '../vmm/vm.js';
import { ramCrc32 } from './ram-crc.js';
import { MigrationError, Msg, PAGE, PAGES_PER_FRAME, Wire } from './wire.js';

/** The environment variable that carries the session to the VM process; the connection is its file descriptor 3. */
export const MIGRATION_ENV = 'TYPEVISOR_MIGRATION';
/** A source silent this long (a hung peer that keeps its connection open) ends the migration. */
const IDLE_TIMEOUT_MS = 60_000;
/** When the card announces itself after arrival (ms after start), as QEMU's announce repeats a few times. */
const ANNOUNCE_AT_MS = [0, 150, 400];

/** A machine that arrived: its state and RAM, and the connection to report back on. */
export interface Arrival {
  state: MachineState;
  ram: Uint8Array;
  /** Bit p set: page p arrived (the others are zero). */
  present: Uint8Array;
  /** The VM was paused on the source: it stays paused here. */
  paused: boolean;
  /** After vm.start(): pauses it if it was paused, announces its network cards, tells the source it runs. */
  arrived(vm: Vm): Promise<void>;
  /** Tells the source why this side cannot run the VM. */
  fail(reason: string): Promise<void>;
}

/**
 * Receives a machine over the connection the `receive` command handed over: pre-copy rounds of pages, then the
 * state after the source stopped. The RAM's CRC-32 is checked against the source's; then the disks are asked for,
 * and once the source has released them the caller builds the VM (which opens them) and restores the arrival.
 */
export async function receiveIncoming(
  session: string,
  ramBytes: number,
  log: (line: string) => void,
): Promise<Arrival> {
  const socket = new Socket({ fd: 3, readable: true, writable: true });
  socket.setTimeout(IDLE_TIMEOUT_MS, () =>
    socket.destroy(new Error(`nothing from the source for ${IDLE_TIMEOUT_MS / 1000} s`)),
  );
  const wire = Wire.resume(socket, 'receiver', session);
  try {
    const ram = new Uint8Array(ramBytes);
    const pages = ramBytes / PAGE;
    const present = new Uint8Array(Math.ceil(pages / 8));
    await wire.sendJson(Msg.Accept, {});
    let received = 0;
    let arrived: { state: MachineState; ramCrc: number; paused: boolean } | undefined;
    while (!arrived) {
      const f = await wire.read();
      if (f.type === Msg.Pages) {
        const n = f.payload.length >= 4 ? f.payload.readUInt32LE(0) : -1;
        if (n < 1 || n > PAGES_PER_FRAME || f.payload.length !== 4 + n * (4 + PAGE))
          throw new MigrationError('a page message does not add up');
        for (let k = 0; k < n; k++) {
          const at = 4 + k * (4 + PAGE);
          const p = f.payload.readUInt32LE(at);
          if (p >= pages) throw new MigrationError(`the source sent page ${p}; this VM has ${pages}`);
          ram.set(f.payload.subarray(at + 4, at + 4 + PAGE), p * PAGE);
          present[p >> 3] |= 1 << (p & 7);
        }
        received += n;
      } else if (f.type === Msg.RoundEnd) {
        log(
          `migration: round ${String((JSON.parse(f.payload.toString('utf8')) as { round?: unknown }).round)} received (${received} pages so far)`,
        );
      } else if (f.type === Msg.State) {
        const s = JSON.parse(f.payload.toString('utf8')) as { state?: unknown; ramCrc?: unknown; paused?: unknown };
        if (typeof s.state !== 'object' || s.state === null || typeof s.ramCrc !== 'number')
          throw new MigrationError('the machine state message is malformed');
        arrived = { state: s.state as MachineState, ramCrc: s.ramCrc, paused: s.paused === true };
      } else throw new MigrationError(`unexpected message type ${f.type} during the RAM transfer`);
    }
    // Pages that never arrived are zero: their part of the CRC comes without touching them.
    const crc = ramCrc32(ram, (p) => ((present[p >> 3] >> (p & 7)) & 1) === 0);
    if (crc !== arrived.ramCrc)
      throw new MigrationError(
        `the RAM that arrived has CRC-32 ${crc.toString(16)}, the source's ${arrived.ramCrc.toString(16)}`,
      );
    log(
      `migration: RAM and state arrived (${received} pages, CRC-32 ${crc.toString(16)} matches); taking over the disks`,
    );
    await wire.send(Msg.Handover);
    await wire.expect(Msg.Released, 'the source to release the disks');
    const releasedAt = performance.now();
    const paused = arrived.paused;
    return {
      state: arrived.state,
      ram,
      present,
      paused,
      async arrived(vm: Vm): Promise<void> {
        if (paused) await vm.pause();
        const cards = vm.board.virtio.map((t) => t.device).filter((d): d is VirtioNet => d instanceof VirtioNet);
        for (const ms of ANNOUNCE_AT_MS) setTimeout(() => cards.forEach((c) => c.announce()), ms).unref();
        await wire.send(Msg.Running);
        log(`migration: running ${Math.round(performance.now() - releasedAt)} ms after the disks were released`);
        socket.end();
      },
      fail: (reason) => wire.refuse(reason),
    };
  } catch (e) {
    await wire.refuse((e as Error).message);
    socket.destroy();
    throw e;
  }
}
