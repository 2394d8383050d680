// Interpreter micro-benchmark: the bench/programs guests plus a bignum (mul/mulhu) guest, run in U-mode; best-of-N MIPS (process CPU time) per program.
import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runUserProgram } from '../src/vmm/user-runner.js';
import { compileC } from '../test/harness/toolchain.js';
const here = dirname(fileURLToPath(import.meta.url));
const programsDir = resolve(here, '../../bench/programs');
const scale = Math.max(1, Number(process.env.BENCH_SCALE ?? 2));
const repeats = Math.max(1, Number(process.env.BENCH_REPEATS ?? 2));
const only = process.argv.slice(2);
/** Schoolbook multiply-accumulate over 64-bit limbs, as the kernel's RSA (mpi) code does: mul + mulhu heavy. */
const BIGNUM = `#include "common.h"
static unsigned long bench(void) {
  unsigned long a[32], b[32], r[64], acc = 0;
  for (int i = 0; i < 32; i++) { a[i] = 0x9e3779b97f4a7c15UL * (i + 1); b[i] = 0xc2b2ae3d27d4eb4fUL ^ (i * 0x100000001b3UL); }
  for (unsigned long it = 0; it < 2000UL * SCALE; it++) {
    for (int i = 0; i < 64; i++) r[i] = 0;
    for (int i = 0; i < 32; i++) {
      unsigned long carry = 0;
      for (int j = 0; j < 32; j++) {
        unsigned __int128 t = (unsigned __int128)a[i] * b[j] + r[i + j] + carry;
        r[i + j] = (unsigned long)t; carry = (unsigned long)(t >> 64);
      }
      r[i + 32] = carry;
    }
    acc ^= r[it & 63]; a[it & 31] ^= r[(it + 7) & 63];
  }
  return acc;
}
`;
function source(name) {
    const header = readFileSync(join(programsDir, 'common.h'), 'utf8');
    const text = name === 'bignum' ? BIGNUM : readFileSync(join(programsDir, `${name}.c`), 'utf8');
    return `#define SCALE ${scale}\n` + text.replace('#include "common.h"', header);
}
let product = 1, count = 0;
for (const name of ['intloop', 'memcopy', 'crc', 'fploop', 'bignum']) {
    if (only.length && !only.includes(name))
        continue;
    const prog = compileC(source(name));
    try {
        let best = Infinity, n = 0, out = '';
        for (let r = 0; r < repeats; r++) {
            // CPU time, not wall time: the benchmark host is shared, and other processes' load should not count.
            const c0 = process.cpuUsage();
            const res = runUserProgram(prog.elf, { memory: 64 << 20 });
            const c = process.cpuUsage(c0);
            best = Math.min(best, (c.user + c.system) / 1000);
            n = res.instret;
            out = new TextDecoder().decode(res.stdout).trim();
        }
        const mips = n / best / 1000;
        product *= mips;
        count++;
        console.log(`${name.padEnd(8)} ${n.toLocaleString('en-US').padStart(13)} insns ${(best / 1000).toFixed(3).padStart(7)} cpu-s ${mips.toFixed(1).padStart(7)} MIPS  ${out}`);
    }
    finally {
        prog.cleanup();
    }
}
console.log(`geometric mean ${(product ** (1 / count)).toFixed(1)} MIPS (BENCH_SCALE=${scale}, best of ${repeats})`);
//# sourceMappingURL=interp-user.js.map