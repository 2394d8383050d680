// Differential test of fpExecute against QEMU user mode (softfloat) on seeded random F/D vectors.
// FPU_VECTORS=n runs n vectors (default 60000); FPU_SEED=s picks the seed.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fpExecute } from '../src/cpu/fpu/execute.js';
import { allVariants } from './fpu/variants.js';
import { buildOracle, OUT_BYTES, VEC_BYTES } from './fpu/program.js';
import { Rng, cancellingAddend, randomOperand } from './fpu/vectors.js';
const variants = allVariants();
const COUNT = Number(process.env.FPU_VECTORS ?? 60000);
const SEED = Number(process.env.FPU_SEED ?? 0x5eed);
const CHUNK = 200000;
const hex = (v) => '0x' + v.toString(16).padStart(16, '0');
test(`fpExecute matches qemu-riscv64 on ${COUNT} random vectors (seed ${SEED})`, () => {
    const oracle = buildOracle(variants);
    try {
        for (let i = 0; i < variants.length; i++) {
            assert.notEqual(fpExecute(new Int32Array(128), oracle.words[i], 0), -1, `decode ${variants[i].asm}`);
        }
        const rng = new Rng(SEED);
        const regs = new Int32Array(128);
        const failures = [];
        let failCount = 0;
        for (let done = 0; done < COUNT; done += CHUNK) {
            const n = Math.min(CHUNK, COUNT - done);
            const vec = new Uint8Array(n * VEC_BYTES);
            const vdv = new DataView(vec.buffer);
            for (let i = 0; i < n; i++) {
                const sel = rng.int(variants.length);
                const v = variants[sel];
                const ops = [];
                for (const t of v.srcs)
                    ops.push(randomOperand(rng, t, ops));
                if (v.srcs.length === 3 && rng.int(4) === 0)
                    ops[2] = cancellingAddend(rng, ops[0], ops[1], v.srcs[0] === 'D');
                vdv.setBigUint64(i * VEC_BYTES, BigInt(sel), true);
                vdv.setBigUint64(i * VEC_BYTES + 8, BigInt(v.dyn ? rng.int(5) : rng.int(8)), true);
                for (let k = 0; k < 3; k++)
                    vdv.setBigUint64(i * VEC_BYTES + 16 + 8 * k, ops[k] ?? 0n, true);
            }
            const out = oracle.run(vec);
            assert.equal(out.length, n * OUT_BYTES, 'qemu output size');
            for (let i = 0; i < n; i++) {
                const at = i * VEC_BYTES;
                const sel = Number(vdv.getBigUint64(at, true));
                const frm = Number(vdv.getBigUint64(at + 8, true));
                regs.fill(0);
                for (let k = 0; k < 3; k++) {
                    regs[64 + 2 * (k + 1)] = vdv.getInt32(at + 16 + 8 * k, true);
                    regs[65 + 2 * (k + 1)] = vdv.getInt32(at + 20 + 8 * k, true);
                }
                regs[22] = regs[66];
                regs[23] = regs[67];
                const flags = fpExecute(regs, oracle.words[sel], frm);
                const gotF = (BigInt(regs[65] >>> 0) << 32n) | BigInt(regs[64] >>> 0);
                const gotX = (BigInt(regs[21] >>> 0) << 32n) | BigInt(regs[20] >>> 0);
                const wantF = out.readBigUInt64LE(i * OUT_BYTES);
                const wantX = out.readBigUInt64LE(i * OUT_BYTES + 8);
                const wantFlags = Number(out.readBigUInt64LE(i * OUT_BYTES + 16));
                if (gotF !== wantF || gotX !== wantX || flags !== wantFlags) {
                    failCount++;
                    if (failures.length < 25) {
                        const ops = [0, 1, 2].map((k) => hex(vdv.getBigUint64(at + 16 + 8 * k, true))).join(' ');
                        failures.push(`${variants[sel].asm} frm=${frm} ops=${ops}: qemu f0=${hex(wantF)} a0=${hex(wantX)} flags=${wantFlags}` +
                            ` | ours f0=${hex(gotF)} a0=${hex(gotX)} flags=${flags}`);
                    }
                }
            }
        }
        assert.equal(failCount, 0, `seed ${SEED}: ${failCount} mismatches of ${COUNT}, first ones:\n${failures.join('\n')}`);
    }
    finally {
        oracle.dispose();
    }
});
//# sourceMappingURL=fpu-qemu.test.js.map