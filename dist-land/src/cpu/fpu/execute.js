// Decoder and dispatcher for RV64 F/D computational instructions (OP-FP and the fused multiply-adds).
import { res } from './bits.js';
import { addD, divD, fmaD, mulD, sqrtD } from './arith-d.js';
import { addS, divS, fmaS, mulS, sqrtS } from './arith-s.js';
import { cvtDS, cvtFromInt, cvtIntFromD, cvtIntFromS, cvtSD } from './convert.js';
import { EQ, classD, classS, compareD, compareS, minMaxD, minMaxS } from './misc.js';
const F = 64; // index of f0's low word in the hart's Int32Array
const SIGN = -0x80000000;
/** Single operand of f[r]: the low word if NaN-boxed, else the canonical NaN. */
function sOp(regs, r) {
    return regs[F + 2 * r + 1] === -1 ? regs[F + 2 * r] : 0x7fc00000;
}
function writeF(regs, rd) {
    regs[F + 2 * rd] = res[0];
    regs[F + 2 * rd + 1] = res[1];
}
function writeX(regs, rd) {
    if (rd !== 0) {
        regs[2 * rd] = res[0];
        regs[2 * rd + 1] = res[1];
    }
}
/** Effective rounding mode, or -1 when reserved (5, 6) or DYN with an invalid frm. */
function roundingMode(rm, frm) {
    const m = rm === 7 ? frm : rm;
    return m > 4 ? -1 : m;
}
/**
 * Executes one F/D instruction that is not a load/store: opcode 0x53 (OP-FP) and 0x43/0x47/0x4b/0x4f
 * (FMADD/FMSUB/FNMSUB/FNMADD), S and D formats. `regs` is an Int32Array view of the hart's state
 * block: xi is regs[2*i] (low) / regs[2*i+1] (high); fi is regs[64+2*i] / regs[64+2*i+1].
 * `frm` is fcsr.frm. Returns -1 if the instruction is illegal, else the exception flags raised
 * (NV=16, DZ=8, OF=4, UF=2, NX=1) for the caller to OR into fflags. Writes to x0 are discarded.
 */
export function fpExecute(regs, insn, frm) {
    const opcode = insn & 0x7f;
    const rd = (insn >>> 7) & 31;
    const rm = (insn >>> 12) & 7;
    const rs1 = (insn >>> 15) & 31;
    const rs2 = (insn >>> 20) & 31;
    const fmt = (insn >>> 25) & 3;
    if (fmt > 1)
        return -1; // H and Q are not implemented
    const isD = fmt === 1;
    if (opcode !== 0x53) {
        if ((opcode & 0x73) !== 0x43)
            return -1;
        const mode = roundingMode(rm, frm);
        if (mode < 0)
            return -1;
        // 0x43 FMADD: a*b+c, 0x47 FMSUB: a*b-c, 0x4b FNMSUB: -a*b+c, 0x4f FNMADD: -a*b-c
        const negProduct = (opcode & 8) !== 0 ? SIGN : 0;
        const negAddend = opcode === 0x47 || opcode === 0x4f ? SIGN : 0;
        const rs3 = insn >>> 27;
        let flags;
        if (isD) {
            flags = fmaD(regs[F + 2 * rs1], regs[F + 2 * rs1 + 1] ^ negProduct, regs[F + 2 * rs2], regs[F + 2 * rs2 + 1], regs[F + 2 * rs3], regs[F + 2 * rs3 + 1] ^ negAddend, mode);
        }
        else {
            flags = fmaS(sOp(regs, rs1) ^ negProduct, sOp(regs, rs2), sOp(regs, rs3) ^ negAddend, mode);
        }
        writeF(regs, rd);
        return flags;
    }
    const a = F + 2 * rs1;
    const b = F + 2 * rs2;
    let flags = 0;
    switch (insn >>> 27) {
        case 0x00: // FADD
        case 0x01: // FSUB
        case 0x02: // FMUL
        case 0x03: {
            // FDIV
            const mode = roundingMode(rm, frm);
            if (mode < 0)
                return -1;
            const f5 = insn >>> 27;
            if (isD) {
                if (f5 === 0)
                    flags = addD(regs[a], regs[a + 1], regs[b], regs[b + 1], mode);
                else if (f5 === 1)
                    flags = addD(regs[a], regs[a + 1], regs[b], regs[b + 1] ^ SIGN, mode);
                else if (f5 === 2)
                    flags = mulD(regs[a], regs[a + 1], regs[b], regs[b + 1], mode);
                else
                    flags = divD(regs[a], regs[a + 1], regs[b], regs[b + 1], mode);
            }
            else {
                const x = sOp(regs, rs1);
                const y = sOp(regs, rs2);
                if (f5 === 0)
                    flags = addS(x, y, mode);
                else if (f5 === 1)
                    flags = addS(x, y ^ SIGN, mode);
                else if (f5 === 2)
                    flags = mulS(x, y, mode);
                else
                    flags = divS(x, y, mode);
            }
            writeF(regs, rd);
            return flags;
        }
        case 0x0b: {
            // FSQRT
            const mode = roundingMode(rm, frm);
            if (mode < 0 || rs2 !== 0)
                return -1;
            flags = isD ? sqrtD(regs[a], regs[a + 1], mode) : sqrtS(sOp(regs, rs1), mode);
            writeF(regs, rd);
            return flags;
        }
        case 0x04: {
            // FSGNJ, FSGNJN, FSGNJX
            if (rm > 2)
                return -1;
            if (isD) {
                const sb = rm === 0 ? regs[b + 1] : rm === 1 ? ~regs[b + 1] : regs[a + 1] ^ regs[b + 1];
                res[0] = regs[a];
                res[1] = (regs[a + 1] & 0x7fffffff) | (sb & SIGN);
            }
            else {
                const x = sOp(regs, rs1);
                const y = sOp(regs, rs2);
                const sb = rm === 0 ? y : rm === 1 ? ~y : x ^ y;
                res[0] = (x & 0x7fffffff) | (sb & SIGN);
                res[1] = -1;
            }
            writeF(regs, rd);
            return 0;
        }
        case 0x05: {
            // FMIN, FMAX
            if (rm > 1)
                return -1;
            flags = isD
                ? minMaxD(regs[a], regs[a + 1], regs[b], regs[b + 1], rm === 1)
                : minMaxS(sOp(regs, rs1), sOp(regs, rs2), rm === 1);
            writeF(regs, rd);
            return flags;
        }
        case 0x08: {
            // FCVT.S.D (fmt S, rs2 1), FCVT.D.S (fmt D, rs2 0)
            const mode = roundingMode(rm, frm);
            if (mode < 0 || rs2 !== (isD ? 0 : 1))
                return -1;
            flags = isD ? cvtDS(sOp(regs, rs1)) : cvtSD(regs[a], regs[a + 1], mode);
            writeF(regs, rd);
            return flags;
        }
        case 0x14: {
            // FLE, FLT, FEQ
            if (rm > EQ)
                return -1;
            flags = isD
                ? compareD(regs[a], regs[a + 1], regs[b], regs[b + 1], rm)
                : compareS(sOp(regs, rs1), sOp(regs, rs2), rm);
            writeX(regs, rd);
            return flags;
        }
        case 0x18: {
            // FCVT.{W,WU,L,LU}.fmt
            const mode = roundingMode(rm, frm);
            if (mode < 0 || rs2 > 3)
                return -1;
            flags = isD ? cvtIntFromD(regs[a], regs[a + 1], rs2, mode) : cvtIntFromS(sOp(regs, rs1), rs2, mode);
            writeX(regs, rd);
            return flags;
        }
        case 0x1a: {
            // FCVT.fmt.{W,WU,L,LU}
            const mode = roundingMode(rm, frm);
            if (mode < 0 || rs2 > 3)
                return -1;
            flags = cvtFromInt(isD, regs[2 * rs1], regs[2 * rs1 + 1], rs2, mode);
            writeF(regs, rd);
            return flags;
        }
        case 0x1c: {
            // FMV.X.{W,D} (rm 0), FCLASS (rm 1)
            if (rs2 !== 0 || rm > 1)
                return -1;
            if (rm === 0) {
                res[0] = regs[a];
                res[1] = isD ? regs[a + 1] : regs[a] >> 31;
            }
            else {
                res[0] = isD ? classD(regs[a], regs[a + 1]) : classS(sOp(regs, rs1));
                res[1] = 0;
            }
            writeX(regs, rd);
            return 0;
        }
        case 0x1e: {
            // FMV.{W,D}.X
            if (rs2 !== 0 || rm !== 0)
                return -1;
            res[0] = regs[2 * rs1];
            res[1] = isD ? regs[2 * rs1 + 1] : -1;
            writeF(regs, rd);
            return 0;
        }
        default:
            return -1;
    }
}
//# sourceMappingURL=execute.js.map