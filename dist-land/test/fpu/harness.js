// Small helpers for readable FPU unit tests: instruction encoders (from the spec's field layout),
// register setup and result accessors over a hart-like Int32Array.
import { fpExecute } from '../../src/cpu/fpu/execute.js';
export const RNE = 0, RTZ = 1, RDN = 2, RUP = 3, RMM = 4, DYN = 7;
export const NV = 16, DZ = 8, OF = 4, UF = 2, NX = 1;
/** OP-FP R-type word. */
export function opfp(funct7, rs2, rs1, rm, rd) {
    return ((funct7 << 25) | (rs2 << 20) | (rs1 << 15) | (rm << 12) | (rd << 7) | 0x53) >>> 0;
}
/** R4-type fused multiply-add word (opcode 0x43 FMADD, 0x47 FMSUB, 0x4b FNMSUB, 0x4f FNMADD). */
export function r4(opcode, fmt, rs3, rs2, rs1, rm, rd) {
    return ((rs3 << 27) | (fmt << 25) | (rs2 << 20) | (rs1 << 15) | (rm << 12) | (rd << 7) | opcode) >>> 0;
}
export class Regs {
    r = new Int32Array(128);
    setF(i, bits) {
        this.r[64 + 2 * i] = Number(BigInt.asIntN(32, bits));
        this.r[65 + 2 * i] = Number(BigInt.asIntN(32, bits >> 32n));
    }
    setX(i, bits) {
        this.r[2 * i] = Number(BigInt.asIntN(32, bits));
        this.r[2 * i + 1] = Number(BigInt.asIntN(32, bits >> 32n));
    }
    /** A double, or a single NaN-boxed. */
    setD(i, x) {
        this.setF(i, new BigUint64Array(new Float64Array([x]).buffer)[0]);
    }
    setS(i, x) {
        this.setF(i, (0xffffffffn << 32n) | BigInt(new Uint32Array(new Float32Array([x]).buffer)[0]));
    }
    f(i) {
        return (BigInt(this.r[65 + 2 * i] >>> 0) << 32n) | BigInt(this.r[64 + 2 * i] >>> 0);
    }
    x(i) {
        return (BigInt(this.r[2 * i + 1] >>> 0) << 32n) | BigInt(this.r[2 * i] >>> 0);
    }
    exec(insn, frm = 0) {
        return fpExecute(this.r, insn, frm);
    }
}
export const dbits = (x) => new BigUint64Array(new Float64Array([x]).buffer)[0];
export const sboxed = (x) => (0xffffffffn << 32n) | BigInt(new Uint32Array(new Float32Array([x]).buffer)[0]);
//# sourceMappingURL=harness.js.map