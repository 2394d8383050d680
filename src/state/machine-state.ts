// The whole machine's state except RAM: harts, board, platform devices, virtio transports and devices, SBI, guest clock.
import type { VirtMachine } from '../boards/virt/virt-machine.js';
import type { ClintState } from '../devices/clint.js';
import type { GoldfishRtcState } from '../devices/goldfish-rtc.js';
import type { PlicState } from '../devices/plic.js';
import type { SifiveTestState } from '../devices/sifive-test.js';
import type { Uart16550State } from '../devices/uart16550.js';
import type { VirtioMmioState } from '../devices/virtio/index.js';
import { checkFields, compareFields, restoreFields, saveFields, StateError, type Field } from './fields.js';
import { compareHartState, HART_FIELDS, restoreHart, saveHart } from './hart-state.js';

/** What a machine must have for a state to fit it. */
export interface MachineShape {
  memoryBytes: number;
  cpus: number;
  /** virtio device ids in slot order. */
  virtio: number[];
}

export interface MachineState {
  shape: MachineShape;
  /** The guest's clock (time CSR, 10 MHz ticks) when the state was taken: it continues from here. */
  clockTicks: number;
  harts: Record<string, unknown>[];
  board: Record<string, unknown>;
  clint: ClintState;
  plic: PlicState;
  uart: Uart16550State;
  rtc: GoldfishRtcState;
  test: SifiveTestState;
  virtio: VirtioMmioState[];
  /** SBI steal-time records: [hart id, guest-physical address]. */
  sta: [number, number][];
}

/** The board's own per-hart state: SBI HSM state, waiting in WFI (or a retentive suspend), steal time so far. */
function boardFields(cpus: number): Field<VirtMachine>[] {
  return [
    {
      name: 'hartState',
      kind: { i32s: cpus },
      get: (m) => [...m.hartState],
      set: (m, v) => (v as number[]).forEach((s, i) => (m.hartState[i] = s)),
      check: (v) => ((v as number[]).every((s) => s >= 0 && s <= 6) ? undefined : 'SBI HSM states (0 to 6)'),
    },
    {
      name: 'waiting',
      kind: { i32s: cpus },
      get: (m) => m.waiting.map((w) => (w ? 1 : 0)),
      set: (m, v) => (v as number[]).forEach((w, i) => (m.waiting[i] = w !== 0)),
    },
    {
      name: 'stealMs',
      kind: { i32s: cpus },
      get: (m) => m.stealMs.map((ms) => Math.min(0xffff_ffff, Math.round(ms))),
      set: (m, v) => (v as number[]).forEach((ms, i) => (m.stealMs[i] = ms >>> 0)),
    },
  ];
}

export function machineShape(m: VirtMachine): MachineShape {
  return { memoryBytes: m.mem.ramSize, cpus: m.harts.length, virtio: m.virtio.map((t) => t.device.deviceId) };
}

/** The machine's state (RAM apart); the machine must be stopped between slices and its devices idle. */
export function saveMachine(m: VirtMachine, clockTicks: number): MachineState {
  return {
    shape: machineShape(m),
    clockTicks,
    harts: m.harts.map(saveHart),
    board: saveFields(boardFields(m.harts.length), m),
    clint: m.clint.save(),
    plic: m.plic.save(),
    uart: m.uart.save(),
    rtc: m.rtc.save(),
    test: m.test.save(),
    virtio: m.virtio.map((t) => t.save()),
    sta: m.sbi.sta.saveState(),
  };
}

/** Throws a StateError unless the state fits the machine and every field list's values are valid (nothing is set). */
export function checkMachineState(m: VirtMachine, s: MachineState): void {
  const want = machineShape(m);
  const have = s.shape ?? ({} as Partial<MachineShape>);
  if (have.memoryBytes !== want.memoryBytes)
    throw new StateError(
      `the state is of a machine with ${have.memoryBytes} bytes of RAM, this one has ${want.memoryBytes}`,
    );
  if (have.cpus !== want.cpus)
    throw new StateError(`the state is of a machine with ${have.cpus} harts, this one has ${want.cpus}`);
  if (!Array.isArray(have.virtio) || have.virtio.join() !== want.virtio.join())
    throw new StateError(
      `the state's virtio devices (ids ${String(have.virtio)}) are not this machine's (ids ${want.virtio.join()})`,
    );
  if (!Number.isSafeInteger(s.clockTicks) || s.clockTicks < 0)
    throw new StateError('the state has no valid guest clock');
  if (!Array.isArray(s.harts) || s.harts.length !== want.cpus) throw new StateError('the state lacks hart states');
  s.harts.forEach((h, i) => checkFields(HART_FIELDS, h, `hart ${i}`));
  checkFields(boardFields(want.cpus), s.board, 'board');
  for (const k of ['clint', 'plic', 'uart', 'rtc', 'test'] as const)
    if (typeof s[k] !== 'object' || s[k] === null) throw new StateError(`the state lacks the ${k} device`);
  if (!Array.isArray(s.virtio) || s.virtio.length !== want.virtio.length)
    throw new StateError('the state lacks virtio transport states');
  s.virtio.forEach((v, i) => {
    if (!Array.isArray(v?.queues) || v.queues.length !== m.virtio[i].device.queueMaxSizes.length)
      throw new StateError(`virtio slot ${i}: the state's queues do not fit the device`);
  });
  const ramEnd = m.mem.ramBase + m.mem.ramSize;
  const staOk = (r: unknown) =>
    Array.isArray(r) &&
    r.length === 2 &&
    Number.isInteger(r[0]) &&
    r[0] >= 0 &&
    r[0] < want.cpus &&
    Number.isSafeInteger(r[1]) &&
    r[1] % 64 === 0 &&
    r[1] >= m.mem.ramBase &&
    r[1] + 64 <= ramEnd;
  if (!Array.isArray(s.sta) || !s.sta.every(staOk)) throw new StateError('the state has invalid steal-time records');
}

/**
 * Sets the machine to a state checked with checkMachineState (RAM already loaded, the guest clock already set to
 * `clockTicks`): devices first, which re-drive their interrupt lines, then the harts, whose saved `mip` is exact; the
 * soft TLBs and every translation are dropped.
 */
export function restoreMachine(m: VirtMachine, s: MachineState): void {
  try {
    m.clint.restore(s.clint);
    m.plic.restore(s.plic);
    m.uart.restore(s.uart);
    m.rtc.restore(s.rtc);
    m.test.restore(s.test);
    m.virtio.forEach((t, i) => t.restore(s.virtio[i]));
  } catch (e) {
    throw new StateError(`a device's state does not fit: ${(e as Error).message}`);
  }
  m.sbi.sta.restoreState(s.sta);
  restoreFields(boardFields(m.harts.length), m, s.board, 'board');
  m.harts.forEach((h, i) => restoreHart(h, s.harts[i]));
  m.event = { kind: 'running' };
  m.engines?.forEach((e) => e.invalidateAll());
  // RAM holds a running machine's contents (the board may never have booted): a reboot clears it.
  m.booted = true;
}

/** Differences between two machines' states, RAM included (empty when equal): the check of a save and restore. */
export function compareMachines(a: VirtMachine, b: VirtMachine): string[] {
  const out: string[] = [];
  a.harts.forEach((h, i) => out.push(...compareHartState(h, b.harts[i])));
  out.push(...compareFields(boardFields(a.harts.length), a, b, 'board'));
  const sa = saveMachine(a, 0),
    sb = saveMachine(b, 0);
  for (const k of ['clint', 'plic', 'uart', 'rtc', 'test', 'virtio', 'sta'] as const)
    if (JSON.stringify(sa[k]) !== JSON.stringify(sb[k]))
      out.push(`${k}: ${JSON.stringify(sa[k])} ${JSON.stringify(sb[k])}`);
  const ra = a.mem.u8.subarray(a.mem.ramOffset, a.mem.ramOffset + a.mem.ramSize);
  const rb = b.mem.u8.subarray(b.mem.ramOffset, b.mem.ramOffset + b.mem.ramSize);
  if (ra.length !== rb.length) out.push(`RAM size: ${ra.length} ${rb.length}`);
  else if (Buffer.compare(ra, rb) !== 0) {
    let i = 0;
    while (ra[i] === rb[i]) i++;
    out.push(`RAM at 0x${(a.mem.ramBase + i).toString(16)}: 0x${ra[i].toString(16)} 0x${rb[i].toString(16)}`);
  }
  return out;
}
