// Drives a machine on the Node event loop: slices of guest execution, idle sleep while every hart waits, resets.
import { setImmediate as yieldToNode } from 'node:timers/promises';
import type { MachineEvent, VirtMachine } from '../boards/virt/virt-machine.js';

export interface RunLoopOptions {
  /** Instructions per hart per slice. */
  slice?: number;
  /** Host milliseconds of guest execution between yields to the Node event loop. */
  burstMs?: number;
  /** Called when the user asks to quit (Ctrl-A X); resolves the loop with 'quit'. */
  signal?: AbortSignal;
}

export type RunOutcome = MachineEvent | { kind: 'quit' };

/** Something that can interrupt an idle sleep (console input, a signal). */
export class Waker {
  private wake: (() => void) | undefined;
  notify(): void { const w = this.wake; this.wake = undefined; w?.(); }
  sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const t = setTimeout(() => { this.wake = undefined; resolve(); }, ms);
      this.wake = () => { clearTimeout(t); resolve(); };
    });
  }
}

/** Runs until the guest powers off, resets, exits through the test device, or the user quits. */
export async function runMachine(m: VirtMachine, waker: Waker, opts: RunLoopOptions = {}): Promise<RunOutcome> {
  // One hart: long slices (a busybox shell loop ran 10 % faster with 100,000 than with 20,000: fewer trips through
  // this loop). Several harts take turns on one thread, so a hart spinning on a lock must soon let the holder run.
  const slice = opts.slice ?? (m.harts.length > 1 ? 20000 : 100000);
  const burstMs = opts.burstMs ?? 20;
  for (;;) {
    const t0 = performance.now();
    let idle = false;
    while (performance.now() - t0 < burstMs) {
      const ran = m.runSlice(slice);
      if (m.event.kind !== 'running') return m.event;
      if (m.allStopped()) return { kind: 'poweroff' };
      if (ran === 0) { idle = true; break; }
    }
    if (opts.signal?.aborted) return { kind: 'quit' };
    if (idle) {
      // Every hart waits in WFI: sleep until the next timer deadline or until input arrives.
      const deadline = m.nextDeadline();
      const ms = deadline === Infinity ? 100 : Math.max(0, (deadline - m.clock()) / 10000);
      if (ms > 0.2) await waker.sleep(Math.min(ms, 100));
      else await yieldToNode();
    } else {
      await yieldToNode();
    }
    if (opts.signal?.aborted) return { kind: 'quit' };
  }
}
