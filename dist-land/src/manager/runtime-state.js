// A VM's runtime state on disk: what its process last reported (state.json) and, once it is gone, why it ended.
import { readFileSync, statSync } from 'node:fs';
import { constants } from 'node:os';
import { z } from 'zod';
import { writeFileAtomic, writeFileAtomicSync } from './atomic-file.js';
import { isSameProcess } from './proc.js';
const MAX_STATE_BYTES = 16 * 1024;
const RuntimeStateSchema = z.object({
    pid: z.int().positive(),
    /** /proc/PID/stat start time: tells this process from a later one that got the same pid. */
    startTicks: z.int().nonnegative(),
    state: z.enum(['created', 'running', 'paused', 'stopping', 'stopped', 'crashed']),
    reason: z.string().max(2000).optional(),
    startedAt: z.string().max(64),
    updatedAt: z.string().max(64),
});
/** The states in which a VM has a live process. */
export const LIVE_STATES = ['running', 'paused', 'stopping'];
export function readRuntimeState(paths) {
    let text;
    try {
        if (statSync(paths.state).size > MAX_STATE_BYTES)
            return null;
        text = readFileSync(paths.state, 'utf8');
    }
    catch {
        return null;
    }
    try {
        const r = RuntimeStateSchema.safeParse(JSON.parse(text));
        return r.success ? r.data : null;
    }
    catch {
        return null;
    }
}
export async function writeRuntimeState(paths, s) {
    await writeFileAtomic(paths.state, `${JSON.stringify(s)}\n`);
}
export function writeRuntimeStateSync(paths, s) {
    writeFileAtomicSync(paths.state, `${JSON.stringify(s)}\n`);
}
/** "killed by SIGKILL" / "exited with status 3", from the status the waiting shell recorded (128 + N: signal N). */
export function describeExitStatus(status) {
    if (status > 128 && status < 128 + 65) {
        const n = status - 128;
        const name = Object.entries(constants.signals).find(([, v]) => v === n)?.[0] ?? `signal ${n}`;
        return `was killed by ${name}`;
    }
    return `exited with status ${status}`;
}
function recordedExit(paths) {
    try {
        const text = readFileSync(paths.exitStatus, 'latin1').slice(0, 64).trim();
        return /^\d+$/.test(text) ? describeExitStatus(Number(text)) : null;
    }
    catch {
        return null;
    }
}
export function observeState(paths) {
    const s = readRuntimeState(paths);
    if (!s)
        return { state: 'created' };
    if (!LIVE_STATES.includes(s.state) && s.state !== 'created')
        return { state: s.state, reason: s.reason };
    if (isSameProcess(s.pid, s.startTicks))
        return { state: s.state, pid: s.pid, startedAt: s.startedAt };
    const exit = recordedExit(paths);
    return {
        state: 'crashed',
        reason: `the VM process (pid ${s.pid}) ${exit ?? 'vanished without recording an exit status'}`,
    };
}
//# sourceMappingURL=runtime-state.js.map