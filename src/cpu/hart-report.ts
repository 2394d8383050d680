// Human-readable hart state for hypervisor faults and traces: registers, CSRs and the disassembled instruction.
import type { Hart } from './hart.js';
import { EXCEPTION_NAMES, INTERRUPT_NAMES } from './constants.js';
import { disassemble, INT_REG_NAMES } from './disasm.js';

const ABI = INT_REG_NAMES;
const PRIV = ['U', 'S', '?', 'M'];

export function hex64(lo: number, hi: number): string {
  return '0x' + (hi >>> 0).toString(16).padStart(8, '0') + (lo >>> 0).toString(16).padStart(8, '0');
}

/** The instruction at the hart's pc, disassembled, if it can be read from RAM without translation faults. */
function instructionAt(h: Hart): string {
  try {
    const pa = h.priv === 3 || h.satpHi >>> 28 === 0 ? h.pcLo >>> 0 : -1;
    if (pa < 0) return '(pc is virtual; instruction not shown)';
    const off = h.mem.ramHostOffset(pa, 4);
    if (off < 0) return '(pc outside RAM)';
    const insn = h.mem.dv.getInt32(off, true);
    return disassemble((insn & 3) === 3 ? insn : insn & 0xffff, h.pcLo, h.pcHi);
  } catch {
    return '(unreadable)';
  }
}

export function describeHypervisorFault(h: Hart): string {
  const cause = h.trapInterrupt
    ? `interrupt ${h.trapCause} (${INTERRUPT_NAMES[h.trapCause] ?? '?'})`
    : `exception ${h.trapCause} (${EXCEPTION_NAMES[h.trapCause] ?? '?'})`;
  return (
    `unhandled trap into the hypervisor on hart ${h.hartId}: ${cause} in ${PRIV[h.priv]}-mode at pc ${hex64(h.pcLo, h.pcHi)}, tval ${hex64(h.trapTvalLo, h.trapTvalHi)}\n` +
    `  instruction: ${instructionAt(h)}\n` +
    describeHart(h)
  );
}

export function describeHart(h: Hart): string {
  const lines: string[] = [];
  for (let i = 0; i < 32; i += 4) {
    lines.push(
      '  ' +
        [0, 1, 2, 3].map((k) => `${ABI[i + k].padStart(4)}=${hex64(h.x[2 * (i + k)], h.x[2 * (i + k) + 1])}`).join(' '),
    );
  }
  lines.push(
    `  pc=${hex64(h.pcLo, h.pcHi)} priv=${PRIV[h.priv]} mstatus=${hex64(h.mstatus, 0)} satp=${hex64(h.satpLo, h.satpHi)}`,
  );
  lines.push(
    `  sepc=${hex64(h.sepcLo, h.sepcHi)} scause=${hex64(h.scauseLo, h.scauseHi)} stval=${hex64(h.stvalLo, h.stvalHi)} stvec=${hex64(h.stvecLo, h.stvecHi)}`,
  );
  lines.push(`  mip=0x${h.mip.toString(16)} mie=0x${h.mie.toString(16)} instret=${h.instret}`);
  return lines.join('\n');
}
