// User-mode runner tests: Linux syscalls and faults of small programs, with qemu-riscv64 as the oracle.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runUserProgram, UserProgramError } from '../src/vmm/user-runner.js';
import { assembleAndLink, runQemu } from './harness/toolchain.js';
function withProgram(source, body) {
    const p = assembleAndLink(source);
    try {
        return body(p);
    }
    finally {
        p.cleanup();
    }
}
const EXIT = (code) => `li a0, ${code}\nli a7, 93\necall\n`;
test('write to stdout and stderr, then exit with a code, as under qemu-riscv64', () => {
    const src = `
.globl _start
_start:
  li a0, 1
  la a1, hello
  li a2, 13
  li a7, 64
  ecall
  mv s1, a0          # bytes written, reported back below
  li a0, 2
  la a1, oops
  li a2, 5
  li a7, 64
  ecall
  li a0, 9           # bad file descriptor: -EBADF comes back in a0
  la a1, hello
  li a2, 1
  li a7, 64
  ecall
  neg a0, a0
  add a0, a0, s1     # 13 + 9
  li a7, 94          # exit_group
  ecall
.data
hello: .ascii "hello, world\\n"
oops: .ascii "oops\\n"
`;
    withProgram(src, (p) => {
        const q = runQemu(p.elfPath);
        const r = runUserProgram(p.elf);
        assert.equal(q.exitCode, 22);
        assert.equal(r.exitCode, q.exitCode);
        assert.deepEqual(r.stdout, q.stdout);
        assert.equal(new TextDecoder().decode(r.stderr), q.stderr);
        assert.ok(r.instret > 10 && r.instret < 40);
    });
});
test('read stdin to end of file and echo it transformed', () => {
    const src = `
.globl _start
_start:
  li s2, 0              # total bytes
loop:
  li a0, 0
  la a1, buf
  li a2, 7              # small reads: several syscalls per input
  li a7, 63
  ecall
  beqz a0, done
  add s2, s2, a0
  mv a2, a0
  la a1, buf
  mv t0, a1
  add t1, a1, a0
upcase:
  lbu t2, 0(t0)
  addi t3, t2, -97
  li t4, 26
  bgeu t3, t4, 1f
  addi t2, t2, -32
  sb t2, 0(t0)
1:
  addi t0, t0, 1
  bltu t0, t1, upcase
  li a0, 1
  li a7, 64
  ecall
  j loop
done:
  andi a0, s2, 0xff
  li a7, 93
  ecall
.bss
buf: .zero 64
`;
    const input = new TextEncoder().encode('The quick brown fox jumps over the lazy dog; 0123456789 times!\n'.repeat(3));
    withProgram(src, (p) => {
        const q = runQemu(p.elfPath, input);
        const r = runUserProgram(p.elf, { stdin: input });
        assert.equal(q.exitCode, input.length & 0xff);
        assert.equal(r.exitCode, q.exitCode);
        assert.deepEqual(r.stdout, q.stdout);
    });
});
test('brk grows the heap with zeroed, writable memory', () => {
    // Prints one byte per check; QEMU's answers are the oracle.
    const src = `
.globl _start
_start:
  li a0, 0
  li a7, 214
  ecall
  mv s1, a0               # current break
  la t0, end_of_bss
  sltu t1, s1, t0
  xori t1, t1, 1          # break >= end of bss
  la t2, out
  sb t1, 0(t2)
  li t3, 0x10000
  add a0, s1, t3
  li a7, 214
  ecall
  sub t1, a0, s1
  srli t1, t1, 12         # 16 pages more
  la t2, out
  sb t1, 1(t2)
  ld t4, 0(s1)            # fresh memory reads zero ...
  ld t5, -8(a0)
  or t4, t4, t5
  seqz t4, t4
  sb t4, 2(t2)
  li t5, 0x5a
  sb t5, -1(a0)           # ... and is writable
  lbu t5, -1(a0)
  sb t5, 3(t2)
  li a0, 1
  la a1, out
  li a2, 4
  li a7, 64
  ecall
${EXIT('0')}
.bss
out: .zero 8
end_of_bss:
`;
    withProgram(src, (p) => {
        const q = runQemu(p.elfPath);
        const r = runUserProgram(p.elf);
        assert.deepEqual([...q.stdout], [1, 16, 1, 0x5a]);
        assert.deepEqual(r.stdout, q.stdout);
        assert.equal(r.exitCode, 0);
    });
});
function trapOf(source) {
    return withProgram(source, (p) => {
        const q = runQemu(p.elfPath);
        try {
            runUserProgram(p.elf);
        }
        catch (e) {
            assert.ok(e instanceof UserProgramError, String(e));
            return { err: e, qemuSignal: q.signal };
        }
        assert.fail('the program should have trapped');
    });
}
test('an illegal instruction ends the run with cause, pc and tval (QEMU: SIGILL)', () => {
    const { err, qemuSignal } = trapOf('.option norvc\n.globl _start\n_start:\n  nop\n  .4byte 0xffffffff\n');
    assert.equal(qemuSignal, 'SIGILL');
    assert.equal(err.trapCause, 2);
    assert.equal(err.pc, 0x80010004n);
    assert.match(err.message, /illegal instruction \(cause 2\) at pc 0x80010004/);
});
test('a load outside RAM ends the run with a load access fault (QEMU: SIGSEGV)', () => {
    const { err, qemuSignal } = trapOf('.globl _start\n_start:\n  li t0, 0x1238\n  ld a0, 8(t0)\n');
    assert.equal(qemuSignal, 'SIGSEGV');
    assert.equal(err.trapCause, 5);
    assert.equal(err.tval, 0x1240n);
    assert.match(err.message, /load access fault \(cause 5\).*tval 0x1240/);
});
test('a misaligned AMO ends the run (QEMU: SIGBUS)', () => {
    const { err, qemuSignal } = trapOf('.globl _start\n_start:\n  la t0, word\n  addi t0, t0, 2\n  amoadd.w a0, a0, (t0)\n.data\n.balign 8\nword: .dword 0\n');
    assert.equal(qemuSignal, 'SIGBUS');
    // The spec allows either an address-misaligned or an access-fault exception here.
    assert.ok(err.trapCause === 6 || err.trapCause === 7, `cause ${err.trapCause}`);
});
test('an endless loop stops at maxInstructions', () => {
    withProgram('.globl _start\n_start:\n  j _start\n', (p) => {
        assert.throws(() => runUserProgram(p.elf, { maxInstructions: 5000 }), /instruction limit of 5000/);
    });
});
test('a program linked outside guest RAM is refused before running', () => {
    const p = assembleAndLink('.globl _start\n_start:\n  j _start\n');
    try {
        const low = p.elf.slice();
        // Same program, but claim its text segment lives at 0x10000 (below RAM): patch p_vaddr of the first PT_LOAD.
        const dv = new DataView(low.buffer);
        const phoff = Number(dv.getBigUint64(32, true));
        for (let i = 0; i < dv.getUint16(56, true); i++) {
            const ph = phoff + i * 56;
            if (dv.getUint32(ph, true) === 1) {
                dv.setBigUint64(ph + 16, 0x10000n, true);
                break;
            }
        }
        assert.throws(() => runUserProgram(low), /outside guest RAM/);
    }
    finally {
        p.cleanup();
    }
});
//# sourceMappingURL=usermode-runner.test.js.map