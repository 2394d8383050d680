// typevisor suspend and start with a real Debian guest in the middle of console output and a disk write loop: the
// process ends, the VM is listed as suspended, and start resumes it where it was — no tick of its output and no block
// of its disk writes lost or repeated (the disk read back by qemu-img); damaged state files refuse to resume.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { findCachedDebian, pullDebian } from '../src/images/debian.js';
import { ManagerHome } from './harness/manager-cli.js';
/** Bounds a hang on a slow shared machine; not a timing assertion. */
const WAIT_MS = 15 * 60_000;
const TICKS = 300;
function consoleLog(h, name) {
    const file = join(h.dir, 'vms', name, 'console.log');
    return existsSync(file) ? readFileSync(file, 'latin1') : '';
}
async function waitForLog(h, name, re, from = 0) {
    const deadline = Date.now() + WAIT_MS;
    while (!re.test(consoleLog(h, name).slice(from))) {
        if (Date.now() > deadline)
            throw new Error(`${name}: no ${re} in its console log`);
        await sleep(250);
    }
}
async function listed(h, name) {
    const r = await h.tv('list', '--format', 'json');
    assert.equal(r.code, 0, r.stderr);
    return JSON.parse(r.stdout).find((v) => v.name === name);
}
test('suspend saves a running Debian VM and ends its process; start resumes its output and disk writes exactly', { timeout: 40 * 60_000 }, async () => {
    if (!(await findCachedDebian()))
        await pullDebian({ log: (l) => process.stderr.write(`${l}\n`) });
    const h = new ManagerHome('tv-suspend-');
    const vmDir = join(h.dir, 'vms', 's');
    try {
        assert.equal((await h.tv('create', 's', '--memory', '256M', '--disk-size', '16M')).code, 0);
        let r = await h.tv('start', 's');
        assert.equal(r.code, 0, r.stderr);
        await waitForLog(h, 's', /root@s:[^#]*# /);
        // A loop that prints a tick and writes a numbered block to the disk (synchronously) for each.
        const from = consoleLog(h, 's').length;
        const con = h.spawn('console', 's', '--settle', '0.5');
        con.stdin.end(`(i=0; while [ $i -lt ${TICKS} ]; do i=$((i+1)); echo tick-$i; echo block-$i | dd of=/dev/vda bs=512 seek=$i conv=notrunc,fsync 2>/dev/null; usleep 100000; done; echo ticks-done) &\n`);
        // A piped console ends only once the output is quiet, which this loop's is not: detach it once the loop runs.
        const detached = new Promise((done) => con.on('exit', done));
        await waitForLog(h, 's', /tick-20\r?\n/, from);
        con.kill();
        await detached;
        r = await h.tv('suspend', 's');
        assert.equal(r.code, 0, r.stderr);
        assert.match(r.stderr, /s suspended \(.* in .*suspended\.tvstate\)/);
        const s = await listed(h, 's');
        assert.equal(s.suspended, true);
        assert.equal(s.pid, undefined, 'the process ended');
        assert.match((await h.tv('list')).stdout, /^s\s+suspended\s/m);
        const atSuspend = consoleLog(h, 's').length;
        assert.doesNotMatch(consoleLog(h, 's'), /^ticks-done\r?$/m, 'the loop was still running when suspended');
        // The disk is consistent while the VM is suspended (QEMU's checker), and the VM cannot be edited.
        execFileSync('qemu-img', ['check', join(vmDir, 'disk0.qcow2')]);
        const edit = await h.tv('edit', 's', '--memory', '512M');
        assert.equal(edit.code, 4, edit.stderr);
        assert.match(edit.stderr, /cannot edit s while it is suspended/);
        r = await h.tv('start', 's');
        assert.equal(r.code, 0, r.stderr);
        assert.ok(!existsSync(join(vmDir, 'suspended.tvstate')), 'the state is consumed by the resume');
        await waitForLog(h, 's', /^ticks-done\r?$/m, atSuspend);
        const ticks = [
            ...consoleLog(h, 's')
                .slice(from)
                .matchAll(/tick-(\d+)\r?$/gm),
        ].map((m) => Number(m[1]));
        assert.deepEqual(ticks, Array.from({ length: TICKS }, (_, i) => i + 1), 'every tick once and in order');
        assert.doesNotMatch(consoleLog(h, 's').slice(atSuspend), /Linux version/, 'resumed, not booted again');
        r = await h.tv('kill', 's');
        assert.equal(r.code, 0, r.stderr);
        execFileSync('qemu-img', ['check', join(vmDir, 'disk0.qcow2')]);
        const raw = join(h.dir, 'disk.raw');
        execFileSync('qemu-img', ['convert', '-O', 'raw', join(vmDir, 'disk0.qcow2'), raw]);
        const disk = readFileSync(raw);
        for (let i = 1; i <= TICKS; i++)
            assert.equal(disk.toString('latin1', i * 512, i * 512 + `block-${i}\n`.length), `block-${i}\n`, `block ${i}`);
        // A damaged state file: start refuses to resume and says why; the VM stays stopped.
        r = await h.tv('start', 's');
        assert.equal(r.code, 0, r.stderr);
        await waitForLog(h, 's', /root@s:[^#]*# /, consoleLog(h, 's').length);
        assert.equal((await h.tv('suspend', 's')).code, 0);
        const file = join(vmDir, 'suspended.tvstate');
        const bytes = readFileSync(file);
        bytes[bytes.length - 100] ^= 1;
        writeFileSync(file, bytes);
        r = await h.tv('start', 's');
        assert.equal(r.code, 1, r.stderr);
        assert.match(r.stderr, /did not start: failed to resume from .*suspended\.tvstate: .* is damaged \(checksum mismatch\)/);
        assert.equal((await listed(h, 's')).pid, undefined);
    }
    catch (e) {
        const tail = (p) => existsSync(join(vmDir, p)) ? readFileSync(join(vmDir, p), 'latin1').slice(-2500) : '';
        throw new Error(`${e.message}\n--- console.log ---\n${tail('console.log')}\n--- vm.log ---\n${tail('vm.log')}`, {
            cause: e,
        });
    }
    finally {
        await h.tv('kill', 's');
        h.cleanup();
    }
});
//# sourceMappingURL=state-suspend.test.js.map