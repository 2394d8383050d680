// Compares disassemble() with GNU objdump on random and hand-written RV64GC instructions.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { disassemble, expandCompressed, RV64G_OPCODES } from '../src/cpu/disasm.js';

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

test('every 16-bit compressed parcel matches objdump', () => {
  const items: Item[] = [];
  for (let p = 0; p < 0x10000; p++) if ((p & 3) !== 3) items.push({ value: p, bytes: 2 });
  const results = objdump(items);
  assert.equal(results.length, items.length);
  const bad = compare(results, 'compressed');
  if (process.env.DISASM_ALL) console.error(bad.join('\n'));
  assert.deepEqual(bad.slice(0, 40), [], `${bad.length} mismatches`);
});

test('every CSR number is named as objdump names it', () => {
  // csrrs a0,<csr>,a1 avoids the csrr/rdcycle/frcsr shorthands, so the CSR field is shown as is.
  const items: Item[] = [];
  for (let csr = 0; csr < 4096; csr++) items.push({ value: ((csr << 20) | (11 << 15) | (2 << 12) | (10 << 7) | 0x73) >>> 0, bytes: 4 });
  const results = objdump(items);
  assert.equal(results.length, 4096);
  const bad = compare(results, 'csr');
  assert.deepEqual(bad.slice(0, 40), [], `${bad.length} mismatches`);
});

test('expandCompressed gives the 32-bit word objdump reads as the same instruction', () => {
  const parcels: number[] = [];
  for (let p = 0; p < 0x10000; p++) if ((p & 3) !== 3) parcels.push(p);
  const expanded = parcels.map((p) => expandCompressed(p));
  const short = objdump(parcels.map((p) => ({ value: p, bytes: 2 })));
  const long = objdump(expanded.filter((w) => w !== 0).map((w) => ({ value: w >>> 0, bytes: 4 })));
  const bad: string[] = [];
  let k = 0;
  for (let n = 0; n < parcels.length; n++) {
    const p = parcels[n]!;
    const a = short[n]!;
    const w = expanded[n]!;
    if (w === 0) {
      // Illegal or reserved: objdump must not decode it either (it accepts c.addi16sp with 0, reserved by the spec).
      if (!/^(\.2byte|unimp)/.test(a.objdump) && !(a.objdump === 'add sp,sp,0' && (p & 0xef83) === 0x6101)) {
        bad.push(`${p.toString(16)}: objdump "${a.objdump}" but expandCompressed says illegal`);
      }
      continue;
    }
    const b = long[k++]!;
    // Branch targets differ by the address of the two copies; compare the offset instead.
    const norm = (r: Result) => r.objdump.replace(/,?\b[0-9a-f]{16}$/, (t) => {
      const comma = t.startsWith(',') ? ',' : '';
      const lo = parseInt(t.slice(-8), 16);
      return `${comma}.${(lo - r.addr) | 0}`;
    });
    const sa = norm(a);
    const sb = norm(b);
    if (sa === sb) continue;
    // Forms objdump prints differently for the compressed parcel: HINTs in c.* form,
    // c.mv as mv (its expansion add rd,zero,rs2 has no alias), c.addi rd,0 as add rd,rd,0.
    if (/^c\./.test(sa) || sa === 'nop') continue;
    const m = /^mv (\w+),(\w+)$/.exec(sa);
    if (m && sb === `add ${m[1]},zero,${m[2]}`) continue;
    const z = /^add (\w+),\1,0$/.exec(sa);
    if (z && sb === `mv ${z[1]},${z[1]}`) continue;
    bad.push(`${p.toString(16)}: objdump "${sa}" but the expansion ${w.toString(16)} reads "${sb}"`);
  }
  assert.equal(k, long.length);
  assert.deepEqual(bad.slice(0, 40), [], `${bad.length} mismatches`);
});
