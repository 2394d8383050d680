// Drives a machine on the Node event loop: slices of guest execution, idle sleep while every hart waits.
import { setImmediate as yieldToNode } from 'node:timers/promises';
import { deprioritizeHelperThreads } from './helper-threads.js';
/** Something that can interrupt an idle sleep (console input, a signal). */
export class Waker {
    wake;
    notify() {
        const w = this.wake;
        this.wake = undefined;
        w?.();
    }
    sleep(ms) {
        return new Promise((resolve) => {
            const t = setTimeout(() => {
                this.wake = undefined;
                resolve();
            }, ms);
            this.wake = () => {
                clearTimeout(t);
                resolve();
            };
        });
    }
}
/** Runs until the guest powers off, resets or exits through the test device, or `signal` ends the turn. */
export async function runMachine(m, waker, opts = {}) {
    // One hart: long slices (a busybox shell loop ran 10 % faster with 100,000 than with 20,000: fewer trips through
    // this loop). Several harts take turns on one thread, so a hart spinning on a lock must soon let the holder run.
    const slice = opts.slice ?? (m.harts.length > 1 ? 20000 : 100000);
    const burstMs = opts.burstMs ?? 20;
    const compilingBurstMs = opts.compilingBurstMs ?? 1;
    let helpersChecked = -Infinity;
    for (;;) {
        const t0 = performance.now();
        // V8 and libuv start threads as they need them: look for new ones now and then.
        if (t0 - helpersChecked > 250) {
            helpersChecked = t0;
            deprioritizeHelperThreads();
        }
        let idle = false;
        for (;;) {
            const ran = m.runSlice(slice);
            if (m.event.kind !== 'running')
                return m.event;
            if (m.allStopped())
                return { kind: 'poweroff' };
            if (ran === 0) {
                idle = true;
                break;
            }
            const elapsed = performance.now() - t0;
            if (elapsed >= burstMs || (elapsed >= compilingBurstMs && m.kernelCompiling()))
                break;
        }
        if (opts.signal?.aborted)
            return { kind: 'quit' };
        if (opts.pump?.() === true)
            idle = false;
        if (idle) {
            // Every hart waits in WFI: sleep until the next timer deadline or until input arrives.
            const deadline = m.nextDeadline();
            const ms = deadline === Infinity ? 100 : Math.max(0, (deadline - m.clock()) / 10000);
            if (ms > 0.2)
                await waker.sleep(Math.min(ms, 100));
            else
                await yieldToNode();
        }
        else {
            await yieldToNode();
        }
        if (opts.signal?.aborted)
            return { kind: 'quit' };
    }
}
//# sourceMappingURL=run-loop.js.map