// System test: the stock Debian kernel with the pulled busybox initramfs boots to a shell under `typevisor run`.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';
import { findCachedDebian, pullDebian } from '../src/images/debian.js';
import { GuestConsole } from './harness/guest-console.js';
const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const bin = join(root, 'bin', 'typevisor.js');
const PROMPT = /root@typevisor:[^#]*# /;
/** Boots the default guest and runs commands over the serial console (the same path a user types into). */
async function bootAndCheck(extraArgs) {
    const img = (await findCachedDebian()) ?? (await pullDebian({ log: (l) => process.stderr.write(`${l}\n`) }));
    const child = spawn(process.execPath, [
        bin,
        'run',
        '--kernel',
        img.kernel,
        '--initrd',
        img.initrd,
        '--append',
        img.cmdline,
        '-m',
        '512M',
        '--stats',
        ...extraArgs,
    ], {
        stdio: ['pipe', 'pipe', 'pipe'],
    });
    const con = new GuestConsole(child);
    try {
        await con.waitFor(PROMPT, 'the shell prompt');
        const uname = await con.run('uname -a');
        assert.match(uname, /Linux typevisor 6\.\d+\.\d+\S*-riscv64 .* riscv64/);
        const isa = await con.run('grep -m1 isa /proc/cpuinfo');
        assert.match(isa, /isa\s*:\s*rv64imafdc/);
        const arith = await con.run('echo $((6 * 7)) $((0x7fffffffffffffff + 1))');
        assert.match(arith, /^42 -9223372036854775808$/m);
        // Floating point in user space through busybox awk (Debian builds it without libm: plain arithmetic only).
        const fp = await con.run('awk \'BEGIN { printf "%.6f %.17g\\n", 355 / 113, 0.1 + 0.2 }\'');
        assert.match(fp, /^3\.141593 0\.30000000000000004$/m);
        const code = await con.exitAfter('poweroff -f');
        assert.equal(code, 0, `typevisor exited with ${code}`);
        assert.match(con.stderr, /guest instructions: [\d,]+/);
        assert.match(con.stderr, /hypercalls \(SBI extension\.function\):/);
    }
    catch (e) {
        child.kill('SIGKILL');
        throw new Error(`${e.message}\n--- console (last 3000 bytes) ---\n${con.output.slice(-3000)}\n--- stderr ---\n${con.stderr.slice(-2000)}`);
    }
}
test('Debian boots to a shell, runs commands and powers off with status 0 (interpreter)', { timeout: 20 * 60_000 }, async () => {
    await bootAndCheck(['--engine', 'interp']);
});
test('Debian boots to a shell, runs commands and powers off with status 0 (translator to WebAssembly)', { timeout: 20 * 60_000 }, async () => {
    await bootAndCheck(['--engine', 'jit']);
});
test('the first 30 million instructions of the Debian boot run identically under interpreter and translator (lockstep)', { timeout: 20 * 60_000 }, async () => {
    const img = (await findCachedDebian()) ?? (await pullDebian({ log: (l) => process.stderr.write(`${l}\n`) }));
    const { runLockstep } = await import('../src/vmm/check-jit.js');
    const { readFileSync } = await import('node:fs');
    const r = await runLockstep({
        memoryBytes: 256 << 20,
        cpus: 1,
        kernel: new Uint8Array(readFileSync(img.kernel)),
        initrd: new Uint8Array(readFileSync(img.initrd)),
        cmdline: img.cmdline,
        consoleOut: () => undefined,
    }, { maxInstructions: 30_000_000, memoryEvery: 20, jitThreshold: 2000 });
    assert.equal(r.kind, 'limit', r.report);
    assert.ok(r.instructions >= 30_000_000);
});
//# sourceMappingURL=system-boot.test.js.map