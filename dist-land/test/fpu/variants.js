// The F/D instruction variants exercised against QEMU: GNU as syntax plus operand formats.
const RMS = ['rne', 'rtz', 'rdn', 'rup', 'rmm', 'dyn'];
const INT_KINDS = ['w', 'wu', 'l', 'lu'];
export function allVariants() {
    const out = [];
    const add = (asm, srcs, dyn = false) => out.push({ asm, srcs, dyn });
    for (const f of ['s', 'd']) {
        const F = f.toUpperCase();
        for (const rm of RMS) {
            const dyn = rm === 'dyn';
            for (const op of ['fadd', 'fsub', 'fmul', 'fdiv'])
                add(`${op}.${f} f0, f1, f2, ${rm}`, [F, F], dyn);
            add(`fsqrt.${f} f0, f1, ${rm}`, [F], dyn);
            for (const op of ['fmadd', 'fmsub', 'fnmsub', 'fnmadd'])
                add(`${op}.${f} f0, f1, f2, f3, ${rm}`, [F, F, F], dyn);
            for (const k of INT_KINDS)
                add(`fcvt.${k}.${f} a0, f1, ${rm}`, [F], dyn);
            for (const k of INT_KINDS) {
                // binutils 2.40 rejects a rounding mode on the exact FCVT.D.W/WU: spell the encoding out.
                if (f === 'd' && (k === 'w' || k === 'wu')) {
                    add(`.insn r 0x53, ${RMS.indexOf(rm) === 5 ? 7 : RMS.indexOf(rm)}, 0x69, f0, a1, x${k === 'w' ? 0 : 1}`, ['X'], dyn);
                }
                else {
                    add(`fcvt.${f}.${k} f0, a1, ${rm}`, ['X'], dyn);
                }
            }
        }
    }
    for (const rm of RMS) {
        const dyn = rm === 'dyn';
        add(`fcvt.s.d f0, f1, ${rm}`, ['D'], dyn);
        add(`.insn r 0x53, ${rm === 'dyn' ? 7 : RMS.indexOf(rm)}, 0x21, f0, f1, f0`, ['S'], dyn); // FCVT.D.S
    }
    for (const f of ['s', 'd']) {
        const F = f.toUpperCase();
        for (const op of ['fsgnj', 'fsgnjn', 'fsgnjx', 'fmin', 'fmax'])
            add(`${op}.${f} f0, f1, f2`, [F, F]);
        for (const op of ['feq', 'flt', 'fle'])
            add(`${op}.${f} a0, f1, f2`, [F, F]);
        add(`fclass.${f} a0, f1`, [F]);
    }
    add('fmv.x.w a0, f1', ['S']);
    add('fmv.x.d a0, f1', ['D']);
    add('fmv.w.x f0, a1', ['X']);
    add('fmv.d.x f0, a1', ['X']);
    return out;
}
//# sourceMappingURL=variants.js.map