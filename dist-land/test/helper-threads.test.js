// The vCPU thread keeps its priority while V8's and libuv's helper threads are lowered, as the kernel reports them.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { deprioritizeHelperThreads, helperNice } from '../src/vmm/helper-threads.js';
/** Field 19 of /proc/<pid>/task/<tid>/stat is the thread's nice value (after the parenthesised command name). */
function niceOf(tid) {
    try {
        const stat = readFileSync(`/proc/self/task/${tid}/stat`, 'utf8');
        return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[16]);
    }
    catch {
        return undefined; // the thread exited meanwhile
    }
}
test('helper threads run nicer than the main thread, which is left alone', { skip: existsSync('/proc/self/task') ? false : 'no /proc/self/task on this host (not Linux)' }, async () => {
    await WebAssembly.compile(new Uint8Array([0, 0x61, 0x73, 0x6d, 1, 0, 0, 0])); // make sure V8's workers exist
    const mainBefore = niceOf(String(process.pid));
    const expected = Math.min(19, mainBefore + 10);
    assert.equal(helperNice(), expected);
    deprioritizeHelperThreads();
    const helpers = readdirSync('/proc/self/task').filter((t) => Number(t) !== process.pid);
    assert.ok(helpers.length > 0, 'a Node process has helper threads');
    for (const t of helpers) {
        const nice = niceOf(t);
        if (nice !== undefined)
            assert.equal(nice, expected, `thread ${t}`);
    }
    assert.equal(niceOf(String(process.pid)), mainBefore);
});
//# sourceMappingURL=helper-threads.test.js.map