// Runs harts in parallel, each on its own worker thread over one shared guest memory (bare-metal programs; docs/threads.md).
import { Worker } from 'node:worker_threads';
import type { JitOptions } from '../cpu/jit/engine.js';
import { isShared, type GuestMemory } from '../memory/guest-memory.js';

/** What a worker needs to start its hart (structured-cloned; the memory and control buffers are shared, not copied). */
export interface HartThreadStart {
  hartId: number;
  memory: WebAssembly.Memory;
  ramSize: number;
  /** Shared Int32Array[1]: non-zero asks every hart to stop at its next slice end. */
  control: SharedArrayBuffer;
  /** Guest-physical address of the SiFive test device. */
  testDevice: number;
  /** Start address (M-mode). */
  pc: number;
  /** Initial integer registers as [index, value]. */
  regs: [number, number | bigint][];
  engine: 'interp' | 'jit';
  jit?: JitOptions;
}

export interface HartThreadResult {
  hartId: number;
  /** What the hart wrote to the test device, if it did. */
  verdict: { kind: 'poweroff' } | { kind: 'reset' } | { kind: 'exit'; code: number } | null;
  /** Why its run ended: WFI, a trap to M-mode (firmware traps), or a stop request. */
  stop: 'wfi' | 'trap' | 'budget';
  trapCause: number;
  pc: number;
  instret: number;
}

export interface HartThreadsOptions {
  harts: number;
  /** Entry point of every hart; each starts in M-mode with a0 = its hart id (as on QEMU's virt board). */
  entry: number;
  testDevice: number;
  engine?: 'interp' | 'jit';
  jit?: JitOptions;
  /** Host milliseconds before the remaining harts are asked to stop (default 60 s). */
  timeoutMs?: number;
}

/**
 * Starts one worker per hart and resolves when every hart has stopped: by writing the test device, by WFI, by a trap
 * to M-mode, or — once hart 0 has a verdict or the time is up — by request. Harts share `mem` and run truly in
 * parallel, so the guest sees real concurrency (atomics, fences, the LR/SC reservation across harts).
 */
export async function runHartsOnThreads(mem: GuestMemory, opts: HartThreadsOptions): Promise<HartThreadResult[]> {
  if (!isShared(mem.memory))
    throw new Error('harts on threads need a shared guest memory (new GuestMemory(size, true))');
  const control = new SharedArrayBuffer(4);
  const stop = new Int32Array(control);
  const url = new URL('./hart-worker.js', import.meta.url);
  const results = await Promise.all(
    Array.from({ length: opts.harts }, (_, hartId) => {
      const start: HartThreadStart = {
        hartId,
        memory: mem.memory,
        ramSize: mem.ramSize,
        control,
        testDevice: opts.testDevice,
        pc: opts.entry,
        regs: [[10, hartId]],
        engine: opts.engine ?? 'jit',
        jit: opts.jit,
      };
      return new Promise<HartThreadResult>((resolve, reject) => {
        const w = new Worker(url, { workerData: start });
        const timer = setTimeout(() => Atomics.store(stop, 0, 1), opts.timeoutMs ?? 60_000);
        w.once('message', (r: HartThreadResult) => {
          clearTimeout(timer);
          // Hart 0's verdict ends the run: the others park in WFI or spin, as on QEMU.
          if (hartId === 0 && r.verdict !== null) Atomics.store(stop, 0, 1);
          resolve(r);
        });
        w.once('error', (e) => {
          clearTimeout(timer);
          Atomics.store(stop, 0, 1);
          reject(e);
        });
      });
    }),
  );
  return results;
}
