// A VM's runtime state on disk: what its process last reported (state.json) and, once it is gone, why it ended.
import { readFileSync, statSync } from 'node:fs';
import { constants } from 'node:os';
import { z } from 'zod';
import type { VmState } from '../vmm/actions.js';
import { writeFileAtomic, writeFileAtomicSync } from './atomic-file.js';
import { isSameProcess } from './proc.js';
import type { VmPaths } from './paths.js';

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

export type RuntimeState = z.infer<typeof RuntimeStateSchema>;

/** The states in which a VM has a live process. */
export const LIVE_STATES: readonly VmState[] = ['running', 'paused', 'stopping'];

export function readRuntimeState(paths: VmPaths): RuntimeState | null {
  let text: string;
  try {
    if (statSync(paths.state).size > MAX_STATE_BYTES) return null;
    text = readFileSync(paths.state, 'utf8');
  } catch {
    return null;
  }
  try {
    const r = RuntimeStateSchema.safeParse(JSON.parse(text));
    return r.success ? r.data : null;
  } catch {
    return null;
  }
}

export async function writeRuntimeState(paths: VmPaths, s: RuntimeState): Promise<void> {
  await writeFileAtomic(paths.state, `${JSON.stringify(s)}\n`);
}

export function writeRuntimeStateSync(paths: VmPaths, s: RuntimeState): void {
  writeFileAtomicSync(paths.state, `${JSON.stringify(s)}\n`);
}

/** A VM's state as observed from outside: the live process's report, or why the process is gone. */
export interface ObservedState {
  state: VmState;
  reason?: string;
  /** The VM process, while it lives. */
  pid?: number;
  startedAt?: string;
}

/** "killed by SIGKILL" / "exited with status 3", from the status the waiting shell recorded (128 + N: signal N). */
export function describeExitStatus(status: number): string {
  if (status > 128 && status < 128 + 65) {
    const n = status - 128;
    const name = Object.entries(constants.signals).find(([, v]) => v === n)?.[0] ?? `signal ${n}`;
    return `was killed by ${name}`;
  }
  return `exited with status ${status}`;
}

function recordedExit(paths: VmPaths): string | null {
  try {
    const text = readFileSync(paths.exitStatus, 'latin1').slice(0, 64).trim();
    return /^\d+$/.test(text) ? describeExitStatus(Number(text)) : null;
  } catch {
    return null;
  }
}

export function observeState(paths: VmPaths): ObservedState {
  const s = readRuntimeState(paths);
  if (!s) return { state: 'created' };
  if (!LIVE_STATES.includes(s.state) && s.state !== 'created') return { state: s.state, reason: s.reason };
  if (isSameProcess(s.pid, s.startTicks)) return { state: s.state, pid: s.pid, startedAt: s.startedAt };
  const exit = recordedExit(paths);
  return {
    state: 'crashed',
    reason: `the VM process (pid ${s.pid}) ${exit ?? 'vanished without recording an exit status'}`,
  };
}
