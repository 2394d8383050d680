// The virtualization statistics of a run (--stats, the `stats` action): collected as an object, formatted as text.
import type { VirtMachine } from '../boards/virt/virt-machine.js';
import { EXCEPTION_NAMES, INTERRUPT_NAMES } from '../cpu/constants.js';
import type { JitStats } from '../cpu/jit/engine.js';
import { VirtioBlk } from '../devices/virtio/blk.js';
import { VirtioNet } from '../devices/virtio/net.js';

/** What trap-and-emulate and paravirtualization cost a run; JSON-friendly (counts by name, not arrays of 32). */
export interface VmStats {
  wallMs: number;
  harts: number;
  instructions: number;
  instructionsByMode: { U: number; S: number };
  msByMode: { U: number; S: number };
  hypervisorMs: number;
  /** Totals of the translating engines over all harts (absent with --engine interp). */
  translator?: JitStats;
  /** Exceptions by cause code, with their names; only causes that occurred. */
  exceptions: { cause: number; name: string; count: number }[];
  interrupts: { cause: number; name: string; count: number }[];
  /** SBI calls by "extension.function", most frequent first. */
  hypercalls: { name: string; count: number }[];
  /** MMIO accesses by device, most frequent first. */
  mmioExits: { device: string; count: number }[];
  /** Each virtio disk's requests and bytes since the VM started, by its device name. */
  disks: { device: string; reads: number; writes: number; readBytes: number; writtenBytes: number }[];
  /** Each virtio network card's frames and bytes (rx: to the guest, tx: from it). */
  nics: { device: string; rxFrames: number; txFrames: number; rxBytes: number; txBytes: number }[];
}

export function collectStats(m: VirtMachine, wallMs: number): VmStats {
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
  let translator: JitStats | undefined;
  if (m.engines) {
    translator = structuredClone(m.engines[0].stats);
    for (const e of m.engines.slice(1)) addCounts(translator, e.stats);
  }
  const causes = (counts: Float64Array, names: Record<number, string>) => {
    const out: { cause: number; name: string; count: number }[] = [];
    for (let c = 0; c < 32; c++) if (counts[c]) out.push({ cause: c, name: names[c] ?? '?', count: counts[c] });
    return out;
  };
  return {
    wallMs,
    harts: m.harts.length,
    instructions: total,
    instructionsByMode: { U: byPriv[0], S: byPriv[1] },
    msByMode: { U: msByPriv[0], S: msByPriv[1] },
    hypervisorMs: m.hypervisorMs,
    translator,
    exceptions: causes(exc, EXCEPTION_NAMES),
    interrupts: causes(irq, INTERRUPT_NAMES),
    hypercalls: [...m.sbi.counts].sort((a, b) => b[1] - a[1]).map(([name, count]) => ({ name, count })),
    mmioExits: [...m.bus.accessCounts].sort((a, b) => b[1] - a[1]).map(([device, count]) => ({ device, count })),
    ...deviceCounts(m),
  };
}

function deviceCounts(m: VirtMachine): Pick<VmStats, 'disks' | 'nics'> {
  const disks: VmStats['disks'] = [];
  const nics: VmStats['nics'] = [];
  for (const { device, name } of m.cfg.virtio ?? []) {
    if (device instanceof VirtioBlk) disks.push({ device: name, ...device.stats });
    else if (device instanceof VirtioNet) {
      const { rxFrames, txFrames, rxBytes, txBytes } = device.stats;
      nics.push({ device: name, rxFrames, txFrames, rxBytes, txBytes });
    }
  }
  return { disks, nics };
}

/** Adds every count of `from` (numbers, nested one level deep or more) into `into`, which has the same shape. */
function addCounts<T extends object>(into: T, from: T): void {
  for (const k of Object.keys(from) as (keyof T)[]) {
    const v = from[k];
    if (typeof v === 'number') (into[k] as number) += v;
    else if (typeof v === 'object' && v !== null) addCounts(into[k] as object, v);
  }
}

const n = (v: number) => v.toLocaleString('en-US');

/** The --stats text report. */
export function formatStats(s: VmStats): string {
  const out: string[] = [];
  const total = s.instructions;
  const wallMs = s.wallMs;
  const pct = (v: number) => (total ? ((100 * v) / total).toFixed(1) : '0.0') + '%';
  out.push(
    `typevisor statistics (${(wallMs / 1000).toFixed(2)} s wall time, ${s.harts} hart${s.harts > 1 ? 's' : ''})`,
  );
  out.push(`  guest instructions: ${n(total)} (${(total / Math.max(wallMs, 1) / 1000).toFixed(1)} MIPS)`);
  const { U, S } = s.instructionsByMode;
  out.push(`  instructions by mode: U ${n(U)} (${pct(U)}), S ${n(S)} (${pct(S)})`);
  const idleMs = Math.max(0, wallMs - s.msByMode.U - s.msByMode.S - s.hypervisorMs);
  out.push(
    `  time by mode: U ${(s.msByMode.U / 1000).toFixed(2)} s, S ${(s.msByMode.S / 1000).toFixed(2)} s, ` +
      `M (hypervisor: hypercalls) ${(s.hypervisorMs / 1000).toFixed(3)} s, idle or host ${(idleMs / 1000).toFixed(2)} s`,
  );
  const t = s.translator;
  if (t) {
    const all = t.translatedInstructions + t.interpretedInstructions;
    out.push(
      `  translator: ${n(t.compiles)} pages compiled, ${n(t.spills)} with code of the next page (${(t.wasmBytes / 2 ** 20).toFixed(1)} MiB of WebAssembly, ${(t.compileMs / 1000).toFixed(2)} s), ` +
        `${n(t.invalidations)} invalidated; ${all ? ((100 * t.translatedInstructions) / all).toFixed(1) : '0.0'}% of instructions ran translated`,
    );
    const share = (v: number) => (all ? ((100 * v) / all).toFixed(1) : '0.0') + '%';
    const why = t.interpretedWhy;
    out.push(
      `  interpreted: on cold pages ${share(why.coldPage)}, no fetch TLB entry ${share(why.noFetchTlb)}, ` +
        `left out by the translator ${share(why.leftOut)}, entries without a block ${share(why.miss)}, after leaving translated code ${share(why.afterTranslated)}; ` +
        `${t.interpretedInstructions ? ((100 * t.interpretedInWasm) / t.interpretedInstructions).toFixed(1) : '0.0'}% of interpreted instructions ran in the WebAssembly interpreter`,
    );
    const ex = t.exits;
    if (t.runMs > 0) {
      out.push(
        `  returns from translated code: trap ${n(ex.trap)}, stop after a state change ${n(ex.stop)}, ` +
          `budget ${n(ex.budget)}, fetch TLB miss ${n(ex.fetchTlbMiss)}, untranslated page ${n(ex.untranslatedPage)}, ` +
          `no function at pc ${n(ex.noFunction)}, other (chain slot taken, ...) ${n(ex.other)}`,
      );
      const exits = Math.max(0, t.runMs - t.translatedMs - t.interpretedMs - t.compileMs);
      // Translated code and interpreter times are estimates from sampled calls (JitEngine.profile); exits are the rest.
      out.push(
        `  engine time (sampled): translated code ${(t.translatedMs / 1000).toFixed(2)} s, interpreter ${(t.interpretedMs / 1000).toFixed(2)} s, ` +
          `translation ${(t.compileMs / 1000).toFixed(2)} s, exits and dispatch ${(exits / 1000).toFixed(2)} s (${n(t.calls)} entries into translated code)`,
      );
    }
  }
  out.push('  traps (exceptions) by cause:');
  for (const e of s.exceptions) out.push(`    ${String(e.cause).padStart(2)} ${e.name.padEnd(32)} ${n(e.count)}`);
  out.push('  interrupts by cause:');
  for (const e of s.interrupts) out.push(`    ${String(e.cause).padStart(2)} ${e.name.padEnd(32)} ${n(e.count)}`);
  out.push('  hypercalls (SBI extension.function):');
  for (const h of s.hypercalls) out.push(`    ${h.name.padEnd(40)} ${n(h.count)}`);
  out.push('  MMIO exits by device:');
  for (const d of s.mmioExits) out.push(`    ${d.device.padEnd(40)} ${n(d.count)}`);
  // Reports of an older VM process have no device counts.
  for (const d of s.disks ?? [])
    out.push(
      `  ${d.device}: ${n(d.reads)} reads (${n(d.readBytes)} bytes), ${n(d.writes)} writes (${n(d.writtenBytes)} bytes)`,
    );
  for (const c of s.nics ?? [])
    out.push(
      `  ${c.device}: ${n(c.rxFrames)} frames in (${n(c.rxBytes)} bytes), ${n(c.txFrames)} out (${n(c.txBytes)} bytes)`,
    );
  return out.join('\n');
}
