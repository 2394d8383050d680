// `typevisor run` with piped input: what is typed before the guest reads is held, not lost, and the VM's name is its host name.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';
import { findCachedDebian, pullDebian } from '../src/images/debian.js';
const bin = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'bin', 'typevisor.js');
test("printf 'uname -m\\n...' | typevisor run: the piped commands run once the shell starts", { timeout: 20 * 60_000 }, async () => {
    const img = (await findCachedDebian()) ?? (await pullDebian({ log: (l) => process.stderr.write(`${l}\n`) }));
    const child = spawn(process.execPath, [bin, 'run', '--kernel', img.kernel, '--initrd', img.initrd, '--append', img.cmdline, '-m', '256M'], { stdio: ['pipe', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => (out += d.toString('latin1')));
    child.stderr.on('data', (d) => (err += d.toString('latin1')));
    // All of it at once, before the kernel has started, and then end of input (as a pipe from printf does).
    child.stdin.end('uname -m\necho typed-ahead-$((6 * 7))\npoweroff -f\n');
    const code = await new Promise((r) => child.on('exit', r));
    const tail = `\n--- console ---\n${out.slice(-3000)}\n--- stderr ---\n${err.slice(-1000)}`;
    assert.equal(code, 0, tail);
    assert.match(out, /\nriscv64\r?\n/, tail);
    assert.match(out, /\ntyped-ahead-42\r?\n/, tail);
});
//# sourceMappingURL=vm-run-input.test.js.map