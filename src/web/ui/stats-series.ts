// The charts of the statistics pane, derived from the VM's cumulative counts: per-second rates and shares per interval.
import type { z } from 'zod';
import type { VmStats as VmStatsSchema } from '../schemas.js';

export type VmStats = z.infer<typeof VmStatsSchema>;

export type Unit = 'mips' | 'percent' | 'per-second' | 'bytes-per-second';

export interface Series {
  name: string;
  /** One value per interval between consecutive samples, oldest first. */
  values: number[];
}

export interface Chart {
  id: string;
  title: string;
  unit: Unit;
  series: Series[];
}

/** Samples kept per VM: two minutes at one a second. */
export const HISTORY = 121;
/** Lines drawn per chart at most: the largest over the window; the rest are summed as "other". */
const MAX_SERIES = 5;

type Counts = Map<string, number>;

function counts<T>(items: readonly T[] | undefined, key: (t: T) => string, value: (t: T) => number): Counts {
  const m: Counts = new Map();
  for (const t of items ?? []) m.set(key(t), (m.get(key(t)) ?? 0) + value(t));
  return m;
}

/** Rates per second of named counts over every interval, the largest MAX_SERIES kept and the rest as "other". */
function rates(samples: readonly VmStats[], pick: (s: VmStats) => Counts): Series[] {
  const per = samples.map(pick);
  const names = new Map<string, number>();
  const intervals: Counts[] = [];
  for (let i = 1; i < samples.length; i++) {
    const dt = (samples[i].wallMs - samples[i - 1].wallMs) / 1000;
    const r: Counts = new Map();
    for (const [name, v] of per[i]) {
      const d = (v - (per[i - 1].get(name) ?? 0)) / dt;
      r.set(name, d);
      names.set(name, (names.get(name) ?? 0) + d);
    }
    intervals.push(r);
  }
  const ranked = [...names].filter(([, total]) => total > 0).sort((a, b) => b[1] - a[1]);
  const shown = ranked.slice(0, MAX_SERIES).map(([n]) => n);
  const rest = ranked.slice(MAX_SERIES).map(([n]) => n);
  const series = shown.map((name) => ({ name, values: intervals.map((r) => r.get(name) ?? 0) }));
  if (rest.length)
    series.push({ name: 'other', values: intervals.map((r) => rest.reduce((sum, n) => sum + (r.get(n) ?? 0), 0)) });
  return series;
}

/** One value per interval from the two samples that bound it. */
function each(samples: readonly VmStats[], f: (a: VmStats, b: VmStats, seconds: number) => number): number[] {
  const out: number[] = [];
  for (let i = 1; i < samples.length; i++)
    out.push(f(samples[i - 1], samples[i], (samples[i].wallMs - samples[i - 1].wallMs) / 1000));
  return out;
}

/** Bytes per second summed over a VM's disks or cards (none in reports of older VM processes). */
function byteRate<K extends string>(
  samples: readonly VmStats[],
  devices: (s: VmStats) => readonly Record<K, number>[] | undefined,
  key: K,
): number[] {
  const total = (s: VmStats) => (devices(s) ?? []).reduce((sum, d) => sum + d[key], 0);
  return each(samples, (a, b, seconds) => (total(b) - total(a)) / seconds);
}

const share = (part: number, whole: number) => (whole > 0 ? (100 * part) / whole : 0);

/** The device part of an MMIO region's name: a disk's path shortened to its file name. */
export function deviceLabel(device: string): string {
  const m = /^(\S+) (.*\/)?([^/]+)$/.exec(device);
  return m ? `${m[1]} ${m[3]}` : device;
}

/**
 * The pane's charts from consecutive samples of one VM process (counts since it started; a sample whose clock went
 * back starts a new history: see `append`).
 */
export function charts(samples: readonly VmStats[]): Chart[] {
  const out: Chart[] = [
    {
      id: 'mips',
      title: 'Guest MIPS',
      unit: 'mips',
      series: [{ name: 'MIPS', values: each(samples, (a, b, s) => (b.instructions - a.instructions) / s / 1e6) }],
    },
  ];
  if (samples.some((s) => s.translator))
    out.push({
      id: 'translated',
      title: 'Translated vs interpreted',
      unit: 'percent',
      series: (['translatedInstructions', 'interpretedInstructions'] as const).map((k) => ({
        name: k === 'translatedInstructions' ? 'translated' : 'interpreted',
        values: each(samples, (a, b) => {
          const at = a.translator,
            bt = b.translator;
          if (!at || !bt) return 0;
          const all =
            bt.translatedInstructions +
            bt.interpretedInstructions -
            at.translatedInstructions -
            at.interpretedInstructions;
          return share(bt[k] - at[k], all);
        }),
      })),
    });
  out.push(
    {
      id: 'modes',
      title: 'Time in U / S mode',
      unit: 'percent',
      series: [
        { name: 'U (user)', values: each(samples, (a, b) => share(b.msByMode.U - a.msByMode.U, b.wallMs - a.wallMs)) },
        {
          name: 'S (kernel)',
          values: each(samples, (a, b) => share(b.msByMode.S - a.msByMode.S, b.wallMs - a.wallMs)),
        },
        {
          name: 'hypercalls',
          values: each(samples, (a, b) => share(b.hypervisorMs - a.hypervisorMs, b.wallMs - a.wallMs)),
        },
      ],
    },
    {
      id: 'traps',
      title: 'Traps by cause',
      unit: 'per-second',
      series: rates(samples, (s) => {
        const m = counts(
          s.exceptions,
          (e) => e.name,
          (e) => e.count,
        );
        for (const [k, v] of counts(
          s.interrupts,
          (e) => `${e.name} (interrupt)`,
          (e) => e.count,
        ))
          m.set(k, v);
        return m;
      }),
    },
    {
      id: 'hypercalls',
      title: 'Hypercalls by SBI extension',
      unit: 'per-second',
      series: rates(samples, (s) =>
        counts(
          s.hypercalls,
          (h) => h.name.split('.')[0],
          (h) => h.count,
        ),
      ),
    },
    {
      id: 'mmio',
      title: 'MMIO exits by device',
      unit: 'per-second',
      series: rates(samples, (s) =>
        counts(
          s.mmioExits,
          (d) => deviceLabel(d.device),
          (d) => d.count,
        ),
      ),
    },
    {
      id: 'disk',
      title: 'Disk',
      unit: 'bytes-per-second',
      // A VM without disks has no lines (the legend says "none").
      series: samples.at(-1)?.disks?.length
        ? [
            { name: 'read', values: byteRate(samples, (s) => s.disks, 'readBytes') },
            { name: 'written', values: byteRate(samples, (s) => s.disks, 'writtenBytes') },
          ]
        : [],
    },
    {
      id: 'network',
      title: 'Network',
      unit: 'bytes-per-second',
      series: samples.at(-1)?.nics?.length
        ? [
            { name: 'received', values: byteRate(samples, (s) => s.nics, 'rxBytes') },
            { name: 'sent', values: byteRate(samples, (s) => s.nics, 'txBytes') },
          ]
        : [],
    },
  );
  return out;
}

/** The history with a new sample: a sample from a new process (its clock went back) starts the history again. */
export function append(history: readonly VmStats[], sample: VmStats): VmStats[] {
  const last = history[history.length - 1];
  if (last && sample.wallMs <= last.wallMs) return [sample];
  return [...history.slice(Math.max(0, history.length - HISTORY + 1)), sample];
}
