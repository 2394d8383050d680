// Checks the exact (BigInt) slow path on its own against qemu-riscv64 for finite operands, so the
// fallback is verified everywhere, not only where the fast path happens to hand over to it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { res } from '../src/cpu/fpu/bits.js';
import { slowAdd, slowConvert, slowDiv, slowFma, slowMul, slowSqrt } from '../src/cpu/fpu/exact.js';
import { allVariants } from './fpu/variants.js';
import { buildOracle, OUT_BYTES, VEC_BYTES } from './fpu/program.js';
import { Rng, cancellingAddend, randomOperand, valueOf } from './fpu/vectors.js';
const COUNT = Number(process.env.FPU_EXACT_VECTORS ?? 20000);
const SEED = Number(process.env.FPU_SEED ?? 0x5eed);
const RMS = ['rne', 'rtz', 'rdn', 'rup', 'rmm'];
const OPS = /^(fadd|fsub|fmul|fdiv|fsqrt|fmadd|fmsub|fnmsub|fnmadd)\.([sd]) |^fcvt\.s\.d /;
const variants = allVariants().filter((v) => OPS.test(v.asm) && RMS.some((rm) => v.asm.endsWith(rm)));
const SIGN = -0x80000000;
function lo(b) {
    return Number(BigInt.asIntN(32, b));
}
function hi(b) {
    return Number(BigInt.asIntN(32, b >> 32n));
}
/** Runs the slow path for a variant; returns flags (result in res). */
function slow(v, ops) {
    const mode = RMS.findIndex((rm) => v.asm.endsWith(rm));
    const m = OPS.exec(v.asm);
    if (!m[1])
        return slowConvert(false, true, lo(ops[0]), hi(ops[0]), mode);
    const isD = m[2] === 'd';
    // Single operands travel in the low word.
    const w = (b) => (isD ? [lo(b), hi(b)] : [lo(b), 0]);
    const [al, ah] = w(ops[0]);
    const [bl, bh] = ops.length > 1 ? w(ops[1]) : [0, 0];
    const [cl, ch] = ops.length > 2 ? w(ops[2]) : [0, 0];
    const neg = (l, h) => (isD ? [l, h ^ SIGN] : [l ^ SIGN, h]);
    switch (m[1]) {
        case 'fadd':
            return slowAdd(isD, al, ah, bl, bh, mode);
        case 'fsub':
            return slowAdd(isD, al, ah, ...neg(bl, bh), mode);
        case 'fmul':
            return slowMul(isD, al, ah, bl, bh, mode);
        case 'fdiv':
            return slowDiv(isD, al, ah, bl, bh, mode);
        case 'fsqrt':
            return slowSqrt(isD, al, ah, mode);
        case 'fmadd':
            return slowFma(isD, al, ah, bl, bh, cl, ch, mode);
        case 'fmsub':
            return slowFma(isD, al, ah, bl, bh, ...neg(cl, ch), mode);
        case 'fnmsub':
            return slowFma(isD, ...neg(al, ah), bl, bh, cl, ch, mode);
        default:
            return slowFma(isD, ...neg(al, ah), bl, bh, ...neg(cl, ch), mode);
    }
}
/** Finite operands the slow path accepts (no NaN/inf; nonzero divisor; positive sqrt operand). */
function acceptable(v, ops) {
    for (let i = 0; i < ops.length; i++) {
        const isD = v.srcs[i] === 'D';
        if (!isD && ops[i] >> 32n !== 0xffffffffn)
            return false;
        const x = valueOf(ops[i], isD);
        if (!Number.isFinite(x))
            return false;
        if (v.asm.startsWith('fdiv') && i === 1 && x === 0)
            return false;
        if (v.asm.startsWith('fsqrt') && !(x > 0))
            return false;
    }
    return true;
}
test(`exact slow path matches qemu-riscv64 on ${COUNT} finite vectors (seed ${SEED})`, () => {
    const oracle = buildOracle(variants);
    try {
        const rng = new Rng(SEED ^ 0xe8ac7);
        const vec = new Uint8Array(COUNT * VEC_BYTES);
        const dv = new DataView(vec.buffer);
        const all = [];
        while (all.length < COUNT) {
            const sel = rng.int(variants.length);
            const v = variants[sel];
            const ops = [];
            for (const t of v.srcs)
                ops.push(randomOperand(rng, t, ops));
            if (v.srcs.length === 3 && rng.int(4) === 0)
                ops[2] = cancellingAddend(rng, ops[0], ops[1], v.srcs[0] === 'D');
            if (!acceptable(v, ops))
                continue;
            const at = all.length * VEC_BYTES;
            dv.setBigUint64(at, BigInt(sel), true);
            ops.forEach((b, k) => dv.setBigUint64(at + 16 + 8 * k, b, true));
            all.push({ sel, ops });
        }
        const out = oracle.run(vec);
        const failures = [];
        let failCount = 0;
        all.forEach(({ sel, ops }, i) => {
            const flags = slow(variants[sel], ops);
            const got = (BigInt(res[1] >>> 0) << 32n) | BigInt(res[0] >>> 0);
            const want = out.readBigUInt64LE(i * OUT_BYTES);
            const wantFlags = Number(out.readBigUInt64LE(i * OUT_BYTES + 16));
            if (got !== want || flags !== wantFlags) {
                failCount++;
                if (failures.length < 20) {
                    failures.push(`${variants[sel].asm} ops=${ops.map((b) => b.toString(16)).join(' ')}: qemu ${want.toString(16)}/${wantFlags} ours ${got.toString(16)}/${flags}`);
                }
            }
        });
        assert.equal(failCount, 0, `seed ${SEED}: ${failCount} mismatches:\n${failures.join('\n')}`);
    }
    finally {
        oracle.dispose();
    }
});
//# sourceMappingURL=fpu-exact.test.js.map