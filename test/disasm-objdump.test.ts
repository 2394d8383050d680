// Compares disassemble() with GNU objdump on random and hand-written RV64GC instructions.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { disassemble, RV64G_OPCODES } from '../src/cpu/disasm.js';

/*
 * Oracle: riscv64-linux-gnu-as -march=rv64gc -mpriv-spec=1.12 and
 * riscv64-linux-gnu-objdump -d (default mode: aliases on), binutils 2.40.
 *
 * Normalisation of objdump's text: whitespace runs become one space; the
 * `<symbol+offset>` after a target and the `# ...` comment objdump adds when it
 * tracks lui/auipc values are dropped (disassemble() sees one instruction alone).
 *
 * Deliberate differences from objdump (skipped in the comparison):
 * - 0x0100000f is `pause` (Zihintpause); objdump for rv64gc prints `fence w,unknown`.
 * - fcvt.d.w, fcvt.d.wu and fcvt.d.s are exact, so their rm field does not matter;
 *   binutils 2.40 only knows them with rm = 0 (other values print as `.4byte`),
 *   we print them with the rounding mode appended, as later binutils do.
 */
const DELIBERATE = new Map<number, string>([[0x0100000f, 'pause']]);
function isDeliberate(value: number, objdumpText: string, mine: string): boolean {
  if (DELIBERATE.get(value) === mine) return true;
  return objdumpText.startsWith('.4byte') && /^fcvt\.d\.(w|wu|s) [^ ]+,(rtz|rdn|rup|rmm|unknown|dyn)$/.test(mine);
}

interface Item {
  value: number;
  bytes: 2 | 4;
}
interface Result {
  addr: number;
  value: number;
  objdump: string;
}

const VMA_HI = 0xffffffff;
const VMA_LO = 0x80000000;

function objdump(items: Item[], asmBody?: string): Result[] {
  const dir = mkdtempSync(join(tmpdir(), 'disasm-'));
  try {
    const src = join(dir, 'in.s');
    const obj = join(dir, 'in.o');
    const body = asmBody ?? items.map((it) => `.insn 0x${it.value.toString(16)}\n`).join('');
    writeFileSync(src, body);
    execFileSync('riscv64-linux-gnu-as', ['-march=rv64gc', '-mpriv-spec=1.12', '-o', obj, src]);
    const out = execFileSync(
      'riscv64-linux-gnu-objdump',
      ['-d', '--adjust-vma=0xffffffff80000000', obj],
      { maxBuffer: 256 * 1024 * 1024, encoding: 'utf8' },
    );
    const results: Result[] = [];
    for (const line of out.split('\n')) {
      const m = /^\s*([0-9a-f]+):\t([0-9a-f]+)\s*\t(.*)$/.exec(line);
      if (!m) continue;
      const text = m[3]!.replace(/<[^>]*>/g, '').replace(/#.*$/, '').replace(/\s+/g, ' ').trim();
      results.push({ addr: parseInt(m[1]!.slice(-8), 16), value: parseInt(m[2]!, 16), objdump: text });
    }
    return results;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function ours(value: number, addr: number): string {
  return disassemble(value, addr, VMA_HI).replace(/\s+/g, ' ').trim();
}

function compare(results: Result[], label: string): string[] {
  const bad: string[] = [];
  for (const r of results) {
    const mine = ours(r.value, r.addr);
    if (mine !== r.objdump && !isDeliberate(r.value, r.objdump, mine)) {
      bad.push(`${label}: ${r.value.toString(16).padStart(8, '0')}: objdump "${r.objdump}" ours "${mine}"`);
    }
  }
  return bad;
}

/** Small seeded generator (mulberry32), so a failing run can be replayed. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (t ^ (t >>> 14)) >>> 0;
  };
}

const seed = Number(process.env.DISASM_SEED ?? Date.now() % 0x7fffffff);

function randomItems(next: () => number, count: number): Item[] {
  const majors = [...new Set(RV64G_OPCODES.map((o) => o.match & 0x7f))];
  const items: Item[] = [];
  for (let n = 0; n < count; n++) {
    const kind = n % 4;
    let w = next();
    if (kind === 0) {
      // A valid word of a random table row: fixed bits from the row, the rest random.
      const op = RV64G_OPCODES[next() % RV64G_OPCODES.length]!;
      w = (w & ~op.mask) | op.match;
    } else if (kind === 1) {
      // Random bits under a used major opcode: exercises invalid funct fields.
      w = (w & ~0x7f) | majors[next() % majors.length]!;
    } else if (kind === 2) {
      // Random compressed parcel.
      let p = w & 0xffff;
      if ((p & 3) === 3) p &= ~1;
      items.push({ value: p, bytes: 2 });
      continue;
    } else {
      // Fully random 32-bit word (not a 48-bit or longer encoding).
      w |= 3;
      if ((w & 0x1c) === 0x1c) w &= ~0x10;
    }
    items.push({ value: w >>> 0, bytes: 4 });
  }
  return items;
}

test(`random instruction words match objdump (seed ${seed})`, () => {
  const next = rng(seed);
  const items = randomItems(next, 20000);
  const results = objdump(items);
  assert.equal(results.length, items.length, 'objdump listed every word');
  const bad = compare(results, `seed ${seed}`);
  if (process.env.DISASM_ALL) console.error(bad.join('\n'));
  assert.deepEqual(bad.slice(0, 40), [], `${bad.length} mismatches (replay with DISASM_SEED=${seed})`);
});
