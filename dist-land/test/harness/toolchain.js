// Test harness: assemble/compile and link RISC-V programs with the GNU toolchain, and run them under qemu-riscv64.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
/** Where programs are linked: inside guest RAM (which starts at 0x8000_0000), clear of the first pages. */
export const TEXT_ADDRESS = 0x80010000;
const AS = 'riscv64-linux-gnu-as';
const LD = 'riscv64-linux-gnu-ld';
const GCC = 'riscv64-linux-gnu-gcc';
const QEMU = 'qemu-riscv64';
function run(cmd, args, what) {
    const r = spawnSync(cmd, args, { encoding: 'utf8', maxBuffer: 64 << 20 });
    if (r.error)
        throw new Error(`${what}: cannot run ${cmd}: ${r.error.message}`);
    if (r.status !== 0)
        throw new Error(`${what} failed (${cmd} exit ${r.status}):\n${r.stderr}`);
}
function tempDir() {
    return mkdtempSync(join(tmpdir(), 'typevisor-'));
}
function finish(dir, elfPath) {
    return {
        elf: new Uint8Array(readFileSync(elfPath)),
        elfPath,
        dir,
        cleanup: () => rmSync(dir, { recursive: true, force: true }),
    };
}
/** Assemble with rv64gc (GNU as compresses eligible instructions) and link statically at TEXT_ADDRESS.
 *  Linker relaxation stays off: randomised gp must never become a base for `la`. */
export function assembleAndLink(source, opts = {}) {
    const dir = tempDir();
    try {
        const src = join(dir, 'prog.s');
        const obj = join(dir, 'prog.o');
        const elfPath = join(dir, 'prog.elf');
        writeFileSync(src, source);
        run(AS, [`-march=${opts.march ?? 'rv64gc'}`, '-mabi=lp64d', src, '-o', obj], 'assemble');
        run(LD, ['-static', '--no-relax', `-Ttext=0x${TEXT_ADDRESS.toString(16)}`, obj, '-o', elfPath], 'link');
        return finish(dir, elfPath);
    }
    catch (e) {
        rmSync(dir, { recursive: true, force: true });
        throw e;
    }
}
/** Compile freestanding C (with its own _start) into a static program at TEXT_ADDRESS. */
export function compileC(source, opts = {}) {
    const dir = tempDir();
    try {
        const src = join(dir, 'prog.c');
        const elfPath = join(dir, 'prog.elf');
        writeFileSync(src, source);
        run(GCC, [
            opts.optimize ?? '-O2',
            '-march=rv64gc',
            '-mabi=lp64d',
            '-mcmodel=medany',
            '-static',
            '-nostdlib',
            '-ffreestanding',
            '-fno-builtin',
            '-fno-pic',
            '-no-pie',
            `-Wl,-Ttext=0x${TEXT_ADDRESS.toString(16)}`,
            '-Wl,--build-id=none',
            '-Wl,--no-relax',
            src,
            '-o',
            elfPath,
            '-lgcc',
        ], 'compile');
        return finish(dir, elfPath);
    }
    catch (e) {
        rmSync(dir, { recursive: true, force: true });
        throw e;
    }
}
export function runQemu(elfPath, stdin) {
    const t0 = performance.now();
    const r = spawnSync(QEMU, [elfPath], { input: stdin ?? new Uint8Array(0), maxBuffer: 256 << 20 });
    const wallMs = performance.now() - t0;
    if (r.error)
        throw new Error(`cannot run ${QEMU}: ${r.error.message}`);
    return {
        exitCode: r.status,
        signal: r.signal,
        stdout: new Uint8Array(r.stdout),
        stderr: r.stderr.toString(),
        wallMs,
    };
}
/** Index of the first differing byte, or -1 when equal. */
export function firstDifference(a, b) {
    const n = Math.min(a.length, b.length);
    for (let i = 0; i < n; i++)
        if (a[i] !== b[i])
            return i;
    return a.length === b.length ? -1 : n;
}
//# sourceMappingURL=toolchain.js.map