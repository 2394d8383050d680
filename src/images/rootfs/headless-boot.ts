// Booting a guest with no terminal: a kernel, an initramfs and one disk, run to power-off while the console goes to a callback.
import { VirtMachine } from '../../boards/virt/virt-machine.js';
import { VirtioBlk, VirtioRng } from '../../devices/virtio/index.js';
import { openDisk } from '../../disk/open.js';
import { runMachine, Waker, type RunOutcome } from '../../vmm/run-loop.js';

export interface HeadlessBootOptions {
  kernel: Uint8Array;
  initrd: Uint8Array;
  cmdline: string;
  disk: string;
  memoryBytes?: number;
  console: (bytes: Uint8Array) => void;
  /** Stops the guest (e.g. once the console shows what the caller waited for). */
  signal?: AbortSignal;
  /** Receives a function that types into the serial console, once the machine exists. */
  onStart?: (input: (bytes: Uint8Array) => void) => void;
}

export interface HeadlessBootResult {
  outcome: RunOutcome['kind'];
  /** Host seconds from boot to the end. */
  seconds: number;
  /** Guest instructions retired on hart 0. */
  instructions: number;
}

/** Boots on the virt board with virtio-blk (the disk, writable) and virtio-rng, one hart; resets end the run too. */
export async function bootHeadless(o: HeadlessBootOptions): Promise<HeadlessBootResult> {
  const disk = await openDisk(o.disk);
  const started = performance.now();
  let machine: VirtMachine | undefined;
  try {
    machine = new VirtMachine({
      memoryBytes: o.memoryBytes ?? 1024 * 1024 * 1024,
      cpus: 1,
      kernel: o.kernel,
      initrd: o.initrd,
      cmdline: o.cmdline,
      consoleOut: o.console,
      virtio: [
        { device: new VirtioBlk(disk), name: `virtio-blk ${o.disk}` },
        // Without an entropy source the guest's first getrandom() calls can stall for a long time.
        { device: new VirtioRng(), name: 'virtio-rng' },
      ],
    });
    machine.boot();
    // Linux leaves scounteren to the firmware unless the SBI PMU extension is present (OpenSBI sets it to 7);
    // without TM, glibc's vDSO clock_gettime (rdtime in U-mode) dies with SIGILL.
    for (const h of machine.harts) if ((h.scounteren & 2) === 0) h.scounteren |= 7;
    const waker = new Waker();
    machine.onInterrupt = () => waker.notify();
    const m = machine;
    o.onStart?.((b) => {
      m.input(b);
      waker.notify();
    });
    const onAbort = () => waker.notify();
    o.signal?.addEventListener('abort', onAbort);
    let outcome: RunOutcome;
    try {
      outcome = await runMachine(machine, waker, { signal: o.signal });
    } finally {
      o.signal?.removeEventListener('abort', onAbort);
    }
    return { outcome: outcome.kind, seconds: (performance.now() - started) / 1000, instructions: retired(machine) };
  } finally {
    await disk.close();
  }
}

function retired(m: VirtMachine): number {
  return m.harts[0]?.instret ?? 0;
}
