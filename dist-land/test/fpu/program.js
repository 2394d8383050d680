// Builds, assembles (GNU as/ld) and runs under qemu-riscv64 a static test program that executes
// F/D instructions on vectors read from stdin: the oracle for the FPU tests.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
/** Input vector: selector, frm, op1 (f1 and a1), op2 (f2), op3 (f3) — five little-endian u64. */
export const VEC_BYTES = 40;
/** Output per vector: f0 bits, a0, fflags — three little-endian u64. */
export const OUT_BYTES = 24;
const BATCH = 4096;
function source(variants) {
    const table = variants.map((v) => `  ${v.asm}\n  ret`).join('\n');
    return `
  .option norvc
  .text
  .globl _start
_start:
  la a1, table
  li a2, ${variants.length * 8}
  call write_all
batch:
  la s0, inbuf
  li s1, 0
read_more:
  li a0, 0
  add a1, s0, s1
  li a2, ${BATCH * VEC_BYTES}
  sub a2, a2, s1
  li a7, 63
  ecall
  bltz a0, fail
  beqz a0, read_done
  add s1, s1, a0
  li t0, ${BATCH * VEC_BYTES}
  blt s1, t0, read_more
read_done:
  li t0, ${VEC_BYTES}
  divu s2, s1, t0
  beqz s2, done
  la s3, inbuf
  la s4, outbuf
  mv s5, s2
one:
  ld t0, 0(s3)
  ld t1, 8(s3)
  ld t2, 16(s3)
  fmv.d.x f1, t2
  mv a1, t2
  ld t2, 24(s3)
  fmv.d.x f2, t2
  ld t2, 32(s3)
  fmv.d.x f3, t2
  fmv.d.x f0, x0
  li a0, 0
  fsrm t1
  fsflags x0
  la t3, table
  slli t0, t0, 3
  add t3, t3, t0
  jalr ra, 0(t3)
  frflags t4
  fmv.x.d t5, f0
  sd t5, 0(s4)
  sd a0, 8(s4)
  sd t4, 16(s4)
  addi s3, s3, ${VEC_BYTES}
  addi s4, s4, ${OUT_BYTES}
  addi s5, s5, -1
  bnez s5, one
  la a1, outbuf
  li t0, ${OUT_BYTES}
  mul a2, s2, t0
  call write_all
  li t0, ${BATCH * VEC_BYTES}
  beq s1, t0, batch
done:
  li a0, 0
  li a7, 93
  ecall
fail:
  li a0, 1
  li a7, 93
  ecall

# write_all(a1 = buffer, a2 = length) to stdout
write_all:
  mv t0, a1
  mv t1, a2
1:
  beqz t1, 2f
  li a0, 1
  mv a1, t0
  mv a2, t1
  li a7, 64
  ecall
  blez a0, fail
  add t0, t0, a0
  sub t1, t1, a0
  j 1b
2:
  ret

  .p2align 3
table:
${table}

  .bss
  .p2align 4
inbuf: .space ${BATCH * VEC_BYTES}
outbuf: .space ${BATCH * OUT_BYTES}
`;
}
export function buildOracle(variants) {
    const dir = mkdtempSync(join(tmpdir(), 'fpu-oracle-'));
    const src = join(dir, 'fp.s');
    const obj = join(dir, 'fp.o');
    const elf = join(dir, 'fp.elf');
    writeFileSync(src, source(variants));
    execFileSync('riscv64-linux-gnu-as', ['-march=rv64gc', '-o', obj, src]);
    execFileSync('riscv64-linux-gnu-ld', ['-static', '-o', elf, obj]);
    const run = (vectors) => {
        const r = spawnSync('qemu-riscv64', [elf], { input: vectors, maxBuffer: 1 << 30 });
        if (r.status !== 0)
            throw new Error(`qemu-riscv64 exited with ${r.status} ${r.signal ?? ''}: ${r.stderr}`);
        return r.stdout;
    };
    const head = run(new Uint8Array(0));
    if (head.length !== variants.length * 8)
        throw new Error(`instruction table: got ${head.length} bytes`);
    const words = new Uint32Array(variants.length);
    for (let i = 0; i < variants.length; i++)
        words[i] = head.readUInt32LE(i * 8);
    return {
        words,
        run: (vectors) => run(vectors).subarray(variants.length * 8),
        dispose: () => rmSync(dir, { recursive: true, force: true }),
    };
}
//# sourceMappingURL=program.js.map