// Harts in parallel on worker threads over one shared memory: AMO and LR/SC counters from 2 and 4 harts must end exact,
// a spinlock must protect plain increments, and the forbidden outcomes of message passing (with fence w,w / r,r) and store
// buffering (with fence rw,rw) must never appear. Each program checks itself and is first run on qemu-system-riscv64
// -smp N (MTTCG) as the oracle that the program is right; then on typevisor's harts, each tier in turn.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { buildBaremetal } from './baremetal/runner.js';
import { parseElf } from '../src/vmm/elf.js';
import { GuestMemory } from '../src/memory/guest-memory.js';
import { runHartsOnThreads } from '../src/vmm/hart-threads.js';
import type { JitOptions } from '../src/cpu/jit/engine.js';

const TEST_DEV = 0x100000;
const RAM = 16 * 1024 * 1024;

/** Every hart adds 1 to `counter` ITER times with BODY; hart 0 waits for the others and checks the sum. */
function counterProgram(harts: number, iter: number, body: string): string {
  return `
.equ NHARTS, ${harts}
.equ ITER, ${iter}
  .section .text.init, "ax"
  .globl _start
_start:
  csrr a0, mhartid
  la s0, counter
  la s1, done
  la s2, lock
  li t1, ITER
  li t2, 1
loop:
${body}
  addi t1, t1, -1
  bnez t1, loop
  fence rw, rw
  amoadd.w zero, t2, (s1)
  bnez a0, park
wait:
  lw t3, 0(s1)
  li t4, NHARTS
  bne t3, t4, wait
  fence rw, rw
  ld t3, 0(s0)
  CHECK 1, t3, ${harts * iter}
  TEST_PASS
park:
  wfi
  j park
  .section .data
  .balign 64
counter: .dword 0
  .balign 64
done: .dword 0
  .balign 64
lock: .dword 0
`;
}

const COUNTERS: Record<string, string> = {
  'amoadd.w': '  amoadd.w zero, t2, (s0)',
  'amoadd.d': '  amoadd.d zero, t2, (s0)',
  'lr/sc.w': '1:\n  lr.w t3, (s0)\n  addi t3, t3, 1\n  sc.w t4, t3, (s0)\n  bnez t4, 1b',
  'lr/sc.d': '1:\n  lr.d.aq t3, (s0)\n  addi t3, t3, 1\n  sc.d.rl t4, t3, (s0)\n  bnez t4, 1b',
  // A test-and-set spinlock (amoswap.aq / amoswap.rl) around a plain load-add-store.
  spinlock:
    '1:\n  amoswap.w.aq t3, t2, (s2)\n  bnez t3, 1b\n  ld t3, 0(s0)\n  addi t3, t3, 1\n  sd t3, 0(s0)\n  amoswap.w.rl zero, zero, (s2)',
};

/**
 * Message passing: hart 0 writes data[i] = i+1, fence w,w, flag[i] = 1; hart 1 waits for flag[i], fence r,r, reads
 * data[i] and counts the reads that are not i+1 (forbidden). Hart 0 checks the count is zero.
 */
function messagePassing(iter: number): string {
  return `
.equ ITER, ${iter}
  .section .text.init, "ax"
  .globl _start
_start:
  csrr a0, mhartid
  la s0, data
  la s1, flag
  la s3, done
  li t1, 0
  li t2, ITER
  beqz a0, producer
  li t0, 1
  bne a0, t0, park
consumer:
  li s4, 0
1:
  slli t3, t1, 2
  add t4, s1, t3
2:
  lw t5, 0(t4)
  beqz t5, 2b
  fence r, r
  add t4, s0, t3
  lw t5, 0(t4)
  addi t6, t1, 1
  beq t5, t6, 3f
  addi s4, s4, 1
3:
  addi t1, t1, 1
  bne t1, t2, 1b
  la t0, bad
  sw s4, 0(t0)
  fence rw, rw
  li t0, 1
  sw t0, 0(s3)
park:
  wfi
  j park
producer:
1:
  slli t3, t1, 2
  addi t6, t1, 1
  add t4, s0, t3
  sw t6, 0(t4)
  fence w, w
  add t4, s1, t3
  li t5, 1
  sw t5, 0(t4)
  addi t1, t1, 1
  bne t1, t2, 1b
2:
  lw t5, 0(s3)
  beqz t5, 2b
  fence rw, rw
  lw t5, bad
  CHECK 1, t5, 0
  TEST_PASS
  .section .data
  .balign 64
done: .word 0
bad: .word 0
  .balign 64
data: .space 4 * ITER
  .balign 64
flag: .space 4 * ITER
`;
}

/**
 * Store buffering, round by round behind a barrier: hart 0 writes x[i], fence rw,rw, reads y[i]; hart 1 writes y[i],
 * fence rw,rw, reads x[i]. Both reading 0 in one round is forbidden; hart 0 counts such rounds after both finish.
 */
function storeBuffering(iter: number): string {
  return `
.equ ITER, ${iter}
  .section .text.init, "ax"
  .globl _start
_start:
  csrr a0, mhartid
  li t0, 1
  bgtu a0, t0, park
  la s0, xs
  la s1, ys
  la s2, bar
  la s3, r0s
  la s4, r1s
  bnez a0, 1f
  mv s5, s0         # hart 0 writes x, reads y
  mv s6, s1
  mv s7, s3
  j 2f
1:
  mv s5, s1         # hart 1 writes y, reads x
  mv s6, s0
  mv s7, s4
2:
  li t1, 0
  li t2, ITER
  li t0, 1
round:
  slli t3, t1, 2
  add t4, s2, t3
  amoadd.w zero, t0, (t4)
3:
  lw t5, 0(t4)
  li t6, 2
  bne t5, t6, 3b
  add t4, s5, t3
  sw t0, 0(t4)
  fence rw, rw
  add t4, s6, t3
  lw t5, 0(t4)
  add t4, s7, t3
  sw t5, 0(t4)
  addi t1, t1, 1
  bne t1, t2, round
  la t4, done
  fence rw, rw
  amoadd.w zero, t0, (t4)
  bnez a0, park
  la t4, done
4:
  lw t5, 0(t4)
  li t6, 2
  bne t5, t6, 4b
  fence rw, rw
  li t1, 0
  li s8, 0
5:
  slli t3, t1, 2
  add t4, s3, t3
  lw t5, 0(t4)
  add t4, s4, t3
  lw t6, 0(t4)
  or t5, t5, t6
  bnez t5, 6f
  addi s8, s8, 1
6:
  addi t1, t1, 1
  bne t1, t2, 5b
  CHECK 1, s8, 0
  TEST_PASS
park:
  wfi
  j park
  .section .data
  .balign 64
done: .word 0
  .balign 64
bar: .space 4 * ITER
xs: .space 4 * ITER
ys: .space 4 * ITER
r0s: .space 4 * ITER
r1s: .space 4 * ITER
`;
}

/** QEMU's verdict: exit status 0 for pass (test device 0x5555), n for check n. */
function onQemu(elfPath: string, harts: number): number | null {
  const r = spawnSync(
    'qemu-system-riscv64',
    ['-M', 'virt', '-smp', String(harts), '-bios', 'none', '-nographic', '-m', '64M', '-kernel', elfPath],
    { encoding: 'utf8', timeout: 60_000, input: '' },
  );
  if (r.error) throw r.error;
  return r.status;
}

const TIERS: { name: string; engine: 'interp' | 'jit'; jit?: JitOptions }[] = [
  { name: 'TypeScript interpreter', engine: 'interp' },
  { name: 'wasm interpreter', engine: 'jit' },
  { name: 'translated', engine: 'jit', jit: { threshold: 2000, userThreshold: 2000 } },
];

async function onOurs(elf: Uint8Array, harts: number, tier: (typeof TIERS)[number]): Promise<number | null> {
  const mem = new GuestMemory(RAM, true);
  for (const seg of parseElf(elf).segments) if (seg.memSize > 0) mem.writeBytes(seg.vaddr, seg.data);
  const results = await runHartsOnThreads(mem, {
    harts,
    entry: 0x8000_0000,
    testDevice: TEST_DEV,
    engine: tier.engine,
    jit: tier.jit,
  });
  const v = results[0].verdict;
  if (v === null) return null;
  return v.kind === 'poweroff' ? 0 : v.kind === 'exit' ? v.code : -1;
}

async function check(name: string, source: string, harts: number): Promise<void> {
  const prog = buildBaremetal(source);
  try {
    assert.equal(onQemu(prog.elfPath, harts), 0, `${name}: QEMU -smp ${harts} fails the program`);
    for (const tier of TIERS)
      assert.equal(await onOurs(prog.elf, harts, tier), 0, `${name}, ${harts} harts, ${tier.name}`);
  } finally {
    prog.cleanup();
  }
}

for (const harts of [2, 4]) {
  for (const [name, body] of Object.entries(COUNTERS)) {
    test(`${name} counter from ${harts} harts on threads ends exact`, async () => {
      await check(name, counterProgram(harts, 10_000, body), harts);
    });
  }
}

test('message passing with fence w,w / fence r,r: the stale read never appears', async () => {
  await check('message passing', messagePassing(50_000), 2);
});

test('store buffering with fence rw,rw: both harts reading 0 never appears', async () => {
  await check('store buffering', storeBuffering(5_000), 2);
});
