// Saving and restoring a whole machine (harts, devices, RAM, guest clock) to and from a state file.
import type { VirtMachine } from '../boards/virt/virt-machine.js';
import { StateError } from './fields.js';
import { checkMachineState, restoreMachine, saveMachine, type MachineState } from './machine-state.js';
import { openStateFile, writeStateFile, type StateFileInfo } from './state-file.js';

export { StateError } from './fields.js';
export { compareMachines, saveMachine, type MachineState } from './machine-state.js';
export { STATE_VERSION, type StateFileInfo } from './state-file.js';

/** Longest wait for disk requests in flight before a save gives up (a hung backend must not hang the save). */
const IDLE_TIMEOUT_MS = 60_000;

/**
 * Saves a machine that is stopped between slices (its VM paused) to `path`, after every device's requests in flight
 * completed. `clockTicks` is the guest clock now.
 */
export async function saveMachineState(m: VirtMachine, clockTicks: number, path: string): Promise<StateFileInfo> {
  await waitForDevices(m);
  return writeStateFile(path, saveMachine(m, clockTicks), m.mem);
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

/** Sets a machine that has not run since it was built to a state and RAM received whole (a live migration). */
export function setMachineState(
  m: VirtMachine,
  state: MachineState,
  ram: Uint8Array,
  setClock: (ticks: number) => void,
): void {
  checkMachineState(m, state);
  if (ram.length !== m.mem.ramSize)
    throw new StateError(`the state holds ${ram.length} bytes of RAM, the machine has ${m.mem.ramSize}`);
  m.mem.u8.set(ram, m.mem.ramOffset);
  setClock(state.clockTicks);
  restoreMachine(m, state);
}
