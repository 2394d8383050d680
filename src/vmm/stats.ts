// The --stats report: what trap-and-emulate and paravirtualization cost this run.
import type { VirtMachine } from '../boards/virt/virt-machine.js';
import { EXCEPTION_NAMES, INTERRUPT_NAMES } from '../cpu/constants.js';

export function formatStats(m: VirtMachine, wallMs: number): string {
  const out: string[] = [];
  let total = 0;
  const byPriv = [0, 0, 0, 0];
  const msByPriv = [0, 0, 0, 0];
  const exc = new Float64Array(32),
    irq = new Float64Array(32);
  for (const h of m.harts) {
    total += h.instret;
    for (let p = 0; p < 4; p++) {
      byPriv[p] += h.instretByPriv[p];
      msByPriv[p] += h.msByPriv[p];
    }
    for (let c = 0; c < 32; c++) {
      exc[c] += h.exceptionCounts[c];
      irq[c] += h.interruptCounts[c];
    }
  }
  const pct = (v: number) => (total ? ((100 * v) / total).toFixed(1) : '0.0') + '%';
  out.push(
    `typevisor statistics (${(wallMs / 1000).toFixed(2)} s wall time, ${m.harts.length} hart${m.harts.length > 1 ? 's' : ''})`,
  );
  out.push(
    `  guest instructions: ${total.toLocaleString('en-US')} (${(total / Math.max(wallMs, 1) / 1000).toFixed(1)} MIPS)`,
  );
  out.push(
    `  instructions by mode: U ${byPriv[0].toLocaleString('en-US')} (${pct(byPriv[0])}), S ${byPriv[1].toLocaleString('en-US')} (${pct(byPriv[1])})`,
  );
  const idleMs = Math.max(0, wallMs - msByPriv[0] - msByPriv[1] - m.hypervisorMs);
  out.push(
    `  time by mode: U ${(msByPriv[0] / 1000).toFixed(2)} s, S ${(msByPriv[1] / 1000).toFixed(2)} s, ` +
      `M (hypervisor: hypercalls) ${(m.hypervisorMs / 1000).toFixed(3)} s, idle or host ${(idleMs / 1000).toFixed(2)} s`,
  );
  if (m.engines) {
    const t = {
      compiles: 0,
      spills: 0,
      invalidations: 0,
      translated: 0,
      interpreted: 0,
      inWasm: 0,
      calls: 0,
      compileMs: 0,
      translatedMs: 0,
      interpretedMs: 0,
      runMs: 0,
      bytes: 0,
    };
    for (const e of m.engines) {
      const s = e.stats;
      t.compiles += s.compiles;
      t.spills += s.spills;
      t.invalidations += s.invalidations;
      t.translated += s.translatedInstructions;
      t.interpreted += s.interpretedInstructions;
      t.inWasm += s.interpretedInWasm;
      t.calls += s.calls;
      t.compileMs += s.compileMs;
      t.bytes += s.wasmBytes;
      t.translatedMs += s.translatedMs;
      t.interpretedMs += s.interpretedMs;
      t.runMs += s.runMs;
    }
    const why = { noFetchTlb: 0, coldPage: 0, leftOut: 0, miss: 0, afterTranslated: 0 };
    for (const e of m.engines)
      for (const k of Object.keys(why) as (keyof typeof why)[]) why[k] += e.stats.interpretedWhy[k];
    const all = t.translated + t.interpreted;
    out.push(
      `  translator: ${t.compiles.toLocaleString('en-US')} pages compiled, ${t.spills.toLocaleString('en-US')} with code of the next page (${(t.bytes / 2 ** 20).toFixed(1)} MiB of WebAssembly, ${(t.compileMs / 1000).toFixed(2)} s), ` +
        `${t.invalidations.toLocaleString('en-US')} invalidated; ${all ? ((100 * t.translated) / all).toFixed(1) : '0.0'}% of instructions ran translated`,
    );
    const share = (v: number) => (all ? ((100 * v) / all).toFixed(1) : '0.0') + '%';
    out.push(
      `  interpreted: on cold pages ${share(why.coldPage)}, no fetch TLB entry ${share(why.noFetchTlb)}, ` +
        `left out by the translator ${share(why.leftOut)}, entries without a block ${share(why.miss)}, after leaving translated code ${share(why.afterTranslated)}; ` +
        `${t.interpreted ? ((100 * t.inWasm) / t.interpreted).toFixed(1) : '0.0'}% of interpreted instructions ran in the WebAssembly interpreter`,
    );
    const ex = { trap: 0, stop: 0, budget: 0, fetchTlbMiss: 0, untranslatedPage: 0, noFunction: 0, other: 0 };
    for (const e of m.engines) for (const k of Object.keys(ex) as (keyof typeof ex)[]) ex[k] += e.stats.exits[k];
    if (t.runMs > 0) {
      out.push(
        `  returns from translated code: trap ${ex.trap.toLocaleString('en-US')}, stop after a state change ${ex.stop.toLocaleString('en-US')}, ` +
          `budget ${ex.budget.toLocaleString('en-US')}, fetch TLB miss ${ex.fetchTlbMiss.toLocaleString('en-US')}, untranslated page ${ex.untranslatedPage.toLocaleString('en-US')}, ` +
          `no function at pc ${ex.noFunction.toLocaleString('en-US')}, other (chain slot taken, ...) ${ex.other.toLocaleString('en-US')}`,
      );
      const exits = Math.max(0, t.runMs - t.translatedMs - t.interpretedMs - t.compileMs);
      // Translated code and interpreter times are estimates from sampled calls (JitEngine.profile); exits are the rest.
      out.push(
        `  engine time (sampled): translated code ${(t.translatedMs / 1000).toFixed(2)} s, interpreter ${(t.interpretedMs / 1000).toFixed(2)} s, ` +
          `translation ${(t.compileMs / 1000).toFixed(2)} s, exits and dispatch ${(exits / 1000).toFixed(2)} s (${t.calls.toLocaleString('en-US')} entries into translated code)`,
      );
    }
  }
  out.push('  traps (exceptions) by cause:');
  for (let c = 0; c < 32; c++)
    if (exc[c])
      out.push(
        `    ${String(c).padStart(2)} ${(EXCEPTION_NAMES[c] ?? '?').padEnd(32)} ${exc[c].toLocaleString('en-US')}`,
      );
  out.push('  interrupts by cause:');
  for (let c = 0; c < 32; c++)
    if (irq[c])
      out.push(
        `    ${String(c).padStart(2)} ${(INTERRUPT_NAMES[c] ?? '?').padEnd(32)} ${irq[c].toLocaleString('en-US')}`,
      );
  out.push('  hypercalls (SBI extension.function):');
  for (const [k, v] of [...m.sbi.counts].sort((a, b) => b[1] - a[1]))
    out.push(`    ${k.padEnd(40)} ${v.toLocaleString('en-US')}`);
  out.push('  MMIO exits by device:');
  for (const [k, v] of [...m.bus.accessCounts].sort((a, b) => b[1] - a[1]))
    out.push(`    ${k.padEnd(40)} ${v.toLocaleString('en-US')}`);
  return out.join('\n');
}
