// Illegal F/D encodings: fpExecute returns -1 exactly when qemu-riscv64 raises SIGILL.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DYN, RNE, Regs, opfp, r4 } from './fpu/harness.js';
const cases = [
    ['fadd.d rm=5', opfp(0x01, 2, 1, 5, 3), 0],
    ['fmul.s rm=6', opfp(0x08, 2, 1, 6, 3), 0],
    ['fadd.s dyn, frm=5', opfp(0x00, 2, 1, DYN, 3), 5],
    ['fsqrt.d dyn, frm=7', opfp(0x2d, 0, 1, DYN, 3), 7],
    ['fmadd.d dyn, frm=6', r4(0x43, 1, 4, 2, 1, DYN, 3), 6],
    ['fcvt.w.d dyn, frm=5', opfp(0x61, 0, 1, DYN, 10), 5],
    ['fsgnj.d rm=3', opfp(0x11, 2, 1, 3, 3), 0],
    ['fcvt.l.s rs2=5', opfp(0x60, 5, 1, RNE, 10), 0],
    ['fadd.d dyn, frm=4 (legal)', opfp(0x01, 2, 1, DYN, 3), 4],
    ['fadd.d rne, frm=7 (legal)', opfp(0x01, 2, 1, RNE, 3), 7],
    ['fmin.s (legal)', opfp(0x14, 2, 1, 0, 3), 0],
];
test('illegal encodings agree with qemu-riscv64 (SIGILL)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'fpu-illegal-'));
    try {
        for (const [name, word, frm] of cases) {
            const src = join(dir, 't.s');
            writeFileSync(src, `.globl _start\n_start:\n li t0, ${frm}\n fsrm t0\n .word 0x${word.toString(16)}\n li a0, 0\n li a7, 93\n ecall\n`);
            execFileSync('riscv64-linux-gnu-as', ['-march=rv64gc', '-o', join(dir, 't.o'), src]);
            execFileSync('riscv64-linux-gnu-ld', ['-static', '-o', join(dir, 't.elf'), join(dir, 't.o')]);
            const r = spawnSync('qemu-riscv64', [join(dir, 't.elf')]);
            const qemuIllegal = r.signal === 'SIGILL';
            assert.ok(qemuIllegal || r.status === 0, `${name}: qemu status ${r.status} signal ${r.signal}`);
            assert.equal(new Regs().exec(word, frm) === -1, qemuIllegal, name);
        }
    }
    finally {
        rmSync(dir, { recursive: true, force: true });
    }
});
//# sourceMappingURL=fpu-illegal.test.js.map