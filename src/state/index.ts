// Saving and restoring a whole machine (harts, devices, RAM, guest clock) to and from a state file.
import type { VirtMachine } from '../boards/virt/virt-machine.js';
import { StateError } from './fields.js';
import { checkMachineState, restoreMachine, saveMachine, type MachineState } from './machine-state.js';
import { prefaultedBuffers } from './prefault.js';
import {
  CAPTURE_BUFFER_BYTES,
  captureState,
  clearPagesExcept,
  PAGE,
  residentPages,
  openStateFile,
  writeStateFileSync,
  type CapturedState,
  type StateFileInfo,
} from './state-file.js';

export { StateError } from './fields.js';
export { compareMachines, saveMachine, type MachineState } from './machine-state.js';
export { STATE_VERSION, writeCapturedState, type CapturedState, type StateFileInfo } from './state-file.js';

/** Longest wait for disk requests in flight before a save gives up (a hung backend must not hang the save). */
const IDLE_TIMEOUT_MS = 60_000;

/**
 * Saves a machine that is stopped between slices (its VM paused) and stays stopped to `path`, after every device's
 * requests in flight completed: written straight from RAM, with nothing running meanwhile. `clockTicks` is the guest
 * clock now. A machine that is to run on saves with captureMachineState and writeCapturedState instead.
 */
export async function saveMachineState(m: VirtMachine, clockTicks: number, path: string): Promise<StateFileInfo> {
  await waitForDevices(m);
  return writeStateFileSync(path, saveMachine(m, clockTicks), m.mem);
}

/**
 * The part of a save that needs the machine stopped (its VM paused): devices idle, the state taken, RAM's non-zero
 * pages copied. Write it with writeCapturedState while the machine runs on.
 */
export async function captureMachineState(
  m: VirtMachine,
  clockTicks: number,
  spare: Buffer[] = [],
): Promise<CapturedState> {
  await waitForDevices(m);
  return captureState(saveMachine(m, clockTicks), m.mem, spare);
}

/**
 * Before a running machine pauses for a save: host memory for the copy of its RAM in use (as many bytes as the host
 * has mapped of it), mapped by a worker thread while the guest runs. Pass it to captureMachineState. Empty when the
 * host cannot tell what is mapped (swap in use).
 */
export async function prepareCapture(m: VirtMachine): Promise<Buffer[]> {
  const ram = m.mem.u8.subarray(m.mem.ramOffset, m.mem.ramOffset + m.mem.ramSize);
  const resident = residentPages(ram);
  if (!resident) return [];
  let mapped = 0;
  for (const r of resident) mapped += r & 1;
  return prefaultedBuffers(mapped * PAGE, CAPTURE_BUFFER_BYTES);
}

/**
 * Waits until no virtio device has a request in flight (a stopped machine's state is then complete), or throws a
 * StateError: a device that cannot be saved, or requests still in flight after a minute.
 */
export async function waitForDevices(m: VirtMachine): Promise<void> {
  for (const t of m.virtio) {
    const why = t.device.saveBlocker?.();
    if (why !== undefined) throw new StateError(`cannot save this machine: ${why}`);
  }
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new StateError(`disk requests still in flight after ${IDLE_TIMEOUT_MS / 1000} s; not saved`)),
      IDLE_TIMEOUT_MS,
    );
  });
  try {
    await Promise.race([Promise.all(m.virtio.map((t) => t.device.idle?.())), timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Sets a machine that has not run since it was built to the state in `path`. The file (size, checksum, version) and
 * the state's fit to the machine are checked before anything changes; `setClock` continues the guest clock from the
 * saved time.
 */
export function loadMachineState(m: VirtMachine, path: string, setClock: (ticks: number) => void): void {
  const file = openStateFile(path);
  try {
    checkMachineState(m, file.state);
    file.loadRam(m.mem);
    setClock(file.state.clockTicks);
    restoreMachine(m, file.state);
  } finally {
    file.close();
  }
}

/**
 * Sets a machine that has not run since it was built to a state and RAM received whole (a live migration): `present`
 * has bit p set for each page p that arrived (one bit per page, as in the state file); the others are zero.
 */
export function setMachineState(
  m: VirtMachine,
  state: MachineState,
  ram: Uint8Array,
  present: Uint8Array,
  setClock: (ticks: number) => void,
): void {
  checkMachineState(m, state);
  if (ram.length !== m.mem.ramSize)
    throw new StateError(`the state holds ${ram.length} bytes of RAM, the machine has ${m.mem.ramSize}`);
  const target = m.mem.u8.subarray(m.mem.ramOffset, m.mem.ramOffset + m.mem.ramSize);
  // Only the pages that arrived are copied: touching the rest would map every host page of an idle guest's RAM.
  for (let p = 0; p < ram.length / PAGE; p++)
    if ((present[p >> 3] >> (p & 7)) & 1) target.set(ram.subarray(p * PAGE, (p + 1) * PAGE), p * PAGE);
  clearPagesExcept(target, present);
  setClock(state.clockTicks);
  restoreMachine(m, state);
}
