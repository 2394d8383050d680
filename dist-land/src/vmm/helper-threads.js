// Gives the vCPU thread the host's cores first: lowers the scheduling priority of the process's other threads.
//
// The guest runs on Node's main thread. V8 compiles hot WebAssembly with TurboFan on its worker threads (and collects
// garbage there); on a 2-core host those workers and the main thread often want three cores, and the main thread waited
// on the run queue for 0.2-0.3 s of a 4.3 s boot. At nice 10 the workers still get every idle cycle but yield to the
// guest when the cores are short (the wait fell to 0.06-0.13 s). Linux only: elsewhere this does nothing.
import { readdirSync } from 'node:fs';
import { getPriority, setPriority } from 'node:os';
/** How much nicer than the main thread helpers run: they yield to the vCPU thread, yet compilations do not starve. */
export const HELPER_NICE_DELTA = 10;
const MAX_NICE = 19;
/** The nice value helper threads get: the main thread's plus HELPER_NICE_DELTA (a process already niced stays relative). */
export function helperNice() {
    return Math.min(MAX_NICE, getPriority(process.pid) + HELPER_NICE_DELTA);
}
const TASKS = '/proc/self/task';
const done = new Set();
let unsupported = process.platform !== 'linux';
/**
 * Lowers every thread of this process but the main one to helperNice(), once per thread. Cheap enough to call every
 * few hundred milliseconds (V8 and libuv start their threads lazily). Never throws: a host that refuses changes nothing.
 */
export function deprioritizeHelperThreads() {
    if (unsupported)
        return;
    let tids;
    try {
        tids = readdirSync(TASKS);
    }
    catch {
        unsupported = true;
        return;
    }
    const nice = helperNice();
    for (const t of tids) {
        const tid = Number(t);
        if (tid === process.pid || done.has(tid))
            continue;
        done.add(tid);
        try {
            setPriority(tid, nice); // on Linux a thread id names that thread alone
        }
        catch {
            // the thread has exited, or the host forbids it: either way nothing to do
        }
    }
}
//# sourceMappingURL=helper-threads.js.map