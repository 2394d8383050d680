import { StateError } from './fields.js';
import { checkMachineState, restoreMachine, saveMachine } from './machine-state.js';
import { openStateFile, writeStateFile } from './state-file.js';
export { StateError } from './fields.js';
export { compareMachines, saveMachine } from './machine-state.js';
export { STATE_VERSION } from './state-file.js';
/** Longest wait for disk requests in flight before a save gives up (a hung backend must not hang the save). */
const IDLE_TIMEOUT_MS = 60_000;
/**
 * Saves a machine that is stopped between slices (its VM paused) to `path`, after every device's requests in flight
 * completed. `clockTicks` is the guest clock now.
 */
export async function saveMachineState(m, clockTicks, path) {
    for (const t of m.virtio) {
        const why = t.device.saveBlocker?.();
        if (why !== undefined)
            throw new StateError(`cannot save this machine: ${why}`);
    }
    let timer;
    const timeout = new Promise((_, reject) => {
        timer = setTimeout(() => reject(new StateError(`disk requests still in flight after ${IDLE_TIMEOUT_MS / 1000} s; not saved`)), IDLE_TIMEOUT_MS);
    });
    try {
        await Promise.race([Promise.all(m.virtio.map((t) => t.device.idle?.())), timeout]);
    }
    finally {
        clearTimeout(timer);
    }
    return writeStateFile(path, saveMachine(m, clockTicks), m.mem);
}
/**
 * Sets a machine that has not run since it was built to the state in `path`. The file (size, checksum, version) and
 * the state's fit to the machine are checked before anything changes; `setClock` continues the guest clock from the
 * saved time.
 */
export function loadMachineState(m, path, setClock) {
    const file = openStateFile(path);
    try {
        checkMachineState(m, file.state);
        file.loadRam(m.mem);
        setClock(file.state.clockTicks);
        restoreMachine(m, file.state);
    }
    finally {
        file.close();
    }
}
//# sourceMappingURL=index.js.map