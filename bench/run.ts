// All benchmarks in one run (BENCH_PARTS=user,boot,diskboot,work,parallel,disk,net,share,manager,state selects): U-mode programs vs qemu-riscv64, then whole-machine boot/disk/net vs qemu-system-riscv64; timings to stdout only.
import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runUserProgram } from '../src/vmm/user-runner.js';
import type { JitOptions } from '../src/cpu/jit/engine.js';
import { assembleAndLink, compileC, runQemu } from '../test/harness/toolchain.js';
import { benchBoot } from './boot.js';
import { benchDisk } from './disk.js';
import { benchDiskBoot } from './disk-boot.js';
import { benchGuestWork } from './guest-work.js';
import { benchManager } from './manager.js';
import { benchNet } from './net.js';
import { benchParallel } from './parallel.js';
import { benchShare } from './share.js';
import { benchState } from './state.js';

const here = dirname(fileURLToPath(import.meta.url));
/** The C sources stay in the repository (tsc copies only .ts): dist/bench -> bench/programs. */
const programsDir = resolve(here, '../../bench/programs');
const PROGRAMS = ['intloop', 'memcopy', 'crc', 'fploop'];
const scale = Math.max(1, Number(process.env.BENCH_SCALE ?? 1));
const only = process.argv.slice(2);

function inline(name: string): string {
  // gcc compiles from a temp dir, so splice the shared header in here.
  const header = readFileSync(join(programsDir, 'common.h'), 'utf8');
  return readFileSync(join(programsDir, `${name}.c`), 'utf8').replace('#include "common.h"', header);
}

const pad = (s: string, n: number): string => s.padStart(n);

/** Best of three: QEMU's runs are short, so take the least-disturbed one. */
function qemuBest(path: string): ReturnType<typeof runQemu> {
  const runs = [runQemu(path), runQemu(path), runQemu(path)];
  return runs.reduce((a, b) => (b.wallMs < a.wallMs ? b : a));
}

function benchUser(): void {
  // QEMU's process start-up, measured on a program that exits at once, is subtracted from its times.
  const empty = assembleAndLink('.globl _start\n_start:\n  li a0, 0\n  li a7, 93\n  ecall\n');
  const startupMs = qemuBest(empty.elfPath).wallMs;
  empty.cleanup();
  console.log(`typevisor (interpreters, translator) vs qemu-riscv64 (user mode), BENCH_SCALE=${scale}`);
  console.log(
    [
      'program',
      'instructions',
      'interp MIPS',
      'wasm-i MIPS',
      'jit s',
      'jit MIPS',
      'qemu s',
      'qemu MIPS',
      'jit/qemu',
      'output',
    ]
      .map((h, i) => (i === 0 ? h.padEnd(9) : pad(h, 12)))
      .join(''),
  );
  for (const name of PROGRAMS) {
    if (only.length && !only.includes(name)) continue;
    const prog = compileC(inline(name).replace('#ifndef SCALE', `#define SCALE ${scale}\n#ifndef SCALE`));
    try {
      const q = qemuBest(prog.elfPath);
      const qemuMs = Math.max(q.wallMs - startupMs, 0.001);
      const timed = (engine: 'interp' | 'jit', jit?: JitOptions) => {
        const t0 = performance.now();
        const r = runUserProgram(prog.elf, { memory: 64 << 20, engine, jit });
        return { r, ms: performance.now() - t0 };
      };
      const interp = timed('interp');
      // the engine's cold path alone: nothing is ever hot enough to translate
      const wasmInterp = timed('jit', { threshold: Infinity });
      const jit = timed('jit');
      const same = [interp.r, wasmInterp.r, jit.r].every(
        (r) => r.exitCode === q.exitCode && Buffer.from(r.stdout).equals(Buffer.from(q.stdout)),
      );
      const n = interp.r.instret;
      console.log(
        [
          name.padEnd(9),
          pad(n.toLocaleString('en-US'), 12),
          pad((n / interp.ms / 1000).toFixed(1), 12),
          pad((n / wasmInterp.ms / 1000).toFixed(1), 12),
          pad((jit.ms / 1000).toFixed(3), 12),
          pad((n / jit.ms / 1000).toFixed(1), 12),
          pad((qemuMs / 1000).toFixed(3), 12),
          pad((n / qemuMs / 1000).toFixed(1), 12),
          pad((jit.ms / qemuMs).toFixed(1) + 'x', 12),
          pad(same ? 'same' : 'DIFFERS', 12),
        ].join(''),
      );
      if (!same)
        console.log(
          `  interp: exit ${interp.r.exitCode}, jit: exit ${jit.r.exitCode} ${new TextDecoder().decode(jit.r.stdout).trim()}\n  qemu: exit ${q.exitCode} ${new TextDecoder().decode(q.stdout).trim()}`,
        );
    } finally {
      prog.cleanup();
    }
  }
  console.log(
    `qemu s: best of 3 wall times minus its start-up (${startupMs.toFixed(1)} ms); MIPS use our interpreter's instruction count for both. wasm-i: the engine with nothing hot enough to translate (its WebAssembly interpreter).`,
  );
}

const parts = new Set(
  (process.env.BENCH_PARTS ?? 'user,boot,diskboot,work,parallel,disk,net,share,manager,state')
    .split(',')
    .map((p) => p.trim()),
);
if (parts.has('user')) benchUser();
if (parts.has('boot')) await benchBoot();
if (parts.has('diskboot')) await benchDiskBoot();
if (parts.has('disk')) await benchDisk();
if (parts.has('work')) await benchGuestWork();
if (parts.has('parallel')) await benchParallel();
if (parts.has('net')) await benchNet();
if (parts.has('share')) await benchShare();
if (parts.has('manager')) await benchManager();
if (parts.has('state')) await benchState();
