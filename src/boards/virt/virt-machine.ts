// The virt machine: RAM, harts, platform devices and the hypervisor-as-firmware (SBI), wired like QEMU's virt board.
import { randomBytes } from 'node:crypto';
import { Bus } from '../../bus/bus.js';
import { ISA_EXTENSIONS, ISA_STRING, MIP_SEIP, MIP_SSIP, MIP_STIP, PRIV_S } from '../../cpu/constants.js';
import { Hart, StopReason } from '../../cpu/hart.js';
import { GuestMemory } from '../../memory/guest-memory.js';
import { Clint } from '../../devices/clint.js';
import { GoldfishRtc } from '../../devices/goldfish-rtc.js';
import { Plic } from '../../devices/plic.js';
import { SifiveTest } from '../../devices/sifive-test.js';
import { Uart16550 } from '../../devices/uart16550.js';
import { SbiDispatcher } from '../../sbi/dispatcher.js';
import { HART_STARTED, HART_STOPPED, type SbiPlatform } from '../../sbi/sbi.js';
import { buildVirtDeviceTree, virtioSlot, VIRT_IRQ, VIRT_MEMMAP } from './device-tree.js';
import { VirtioMmio, VIRTIO_MMIO_SIZE, type VirtioDevice } from '../../devices/virtio/index.js';
import { parseKernelImage, rawPayload } from './kernel-image.js';
import { describeHypervisorFault } from '../../cpu/hart-report.js';
import { JitEngine } from '../../cpu/jit/engine.js';

/** How guest code runs: the interpreter alone, or the translator to WebAssembly for hot code. */
export type EngineKind = 'interp' | 'jit';

const MiB = 1024 * 1024;
const CAUSE_ECALL_S = 9;

export interface VirtMachineConfig {
  memoryBytes: number;
  cpus: number;
  kernel: Uint8Array;
  kernelName?: string;
  /**
   * `linux` (default): a Linux RISC-V Image, placed where its header says. `raw`: an S-mode boot loader such as
   * U-Boot, placed at the start of RAM + 2 MiB, where OpenSBI puts its next stage on QEMU's virt board.
   */
  kernelFormat?: 'linux' | 'raw';
  initrd?: Uint8Array;
  cmdline: string;
  /** Serial console output. */
  consoleOut: (bytes: Uint8Array) => void;
  /** Host clock in 10 MHz ticks (injectable for tests). */
  clock?: () => number;
  /** Wall clock for the RTC in nanoseconds since the epoch (injectable for deterministic runs). */
  wallClockNs?: () => number;
  /** Execution engine (default: jit). */
  engine?: EngineKind;
  /** Compile translated code off the main thread (default true; deterministic runs turn it off). */
  jitAsync?: boolean;
  /** Time translated code, interpreter and translation separately (for --stats and benchmarks; small overhead). */
  jitProfile?: boolean;
  /** Interpreted instructions on a page before it is translated (default: the engine's). */
  jitThreshold?: number;
  /** Fixed entropy for the device tree's rng-seed (deterministic runs, e.g. lockstep checking). */
  rngSeed?: Uint8Array;
  /** virtio devices, placed in virtio-mmio slots 0, 1, ... in this order (at most 8). */
  virtio?: { device: VirtioDevice; name: string }[];
  /** Messages about the guest's use of the devices (a driver error that needs a device reset); dropped if absent. */
  log?: (message: string) => void;
}

export type MachineEvent =
  | { kind: 'running' }
  | { kind: 'poweroff' }
  | { kind: 'reset' }
  | { kind: 'exit'; code: number }
  /** A hart whose S-mode trap handler traps again at its own first instruction: the guest can never go on. */
  | { kind: 'stuck'; message: string };

/** Slice ends in a row at which a hart must be found trapping at its trap handler before it counts as stuck. */
const STUCK_SLICES = 3;

/** Where the kernel, initrd and FDT went in guest-physical memory. */
export interface BootLayout {
  kernel: number;
  kernelEnd: number;
  initrd?: { start: number; end: number };
  fdt: number;
  fdtSize: number;
}

export class VirtMachine implements SbiPlatform {
  readonly mem: GuestMemory;
  readonly bus = new Bus();
  readonly harts: Hart[] = [];
  readonly clint: Clint;
  readonly plic: Plic;
  readonly uart: Uart16550;
  readonly rtc: GoldfishRtc;
  readonly test: SifiveTest;
  readonly sbi: SbiDispatcher;
  readonly hartState: number[];
  /** Hart is in WFI (or retentive suspend) and waits for an interrupt. */
  readonly waiting: boolean[];
  event: MachineEvent = { kind: 'running' };
  layout!: BootLayout;
  /** Host milliseconds spent handling hypercalls (the hypervisor's M-mode work). */
  hypervisorMs = 0;
  /** Per hart: host ms it was runnable while another hart ran (reported as steal time). */
  readonly stealMs: number[];
  private consoleInput: Uint8Array[] = [];
  readonly clock: () => number;
  readonly virtio: VirtioMmio[] = [];
  /** One translating engine per hart when engine is 'jit'. */
  readonly engines: JitEngine[] | undefined;
  /** Called when a device raises an interrupt from outside the run loop (async I/O completion, input). */
  onInterrupt: () => void = () => undefined;
  /** Called when the guest read console input after the UART had no room: the host may offer more now. */
  onInputSpace: () => void = () => undefined;

  constructor(readonly cfg: VirtMachineConfig) {
    if (!Number.isInteger(cfg.cpus) || cfg.cpus < 1 || cfg.cpus > 8)
      throw new Error(`--cpus must be between 1 and 8, got ${cfg.cpus}`);
    this.mem = new GuestMemory(cfg.memoryBytes, cfg.cpus > 1);
    const t0 = performance.now();
    this.clock = cfg.clock ?? (() => Math.floor((performance.now() - t0) * 10000));
    this.hartState = new Array(cfg.cpus).fill(HART_STOPPED);
    this.waiting = new Array(cfg.cpus).fill(false);
    this.stealMs = new Array(cfg.cpus).fill(0);
    for (let i = 0; i < cfg.cpus; i++) {
      const h = new Hart(i, this.mem, this.bus);
      h.timeSource = this.clock;
      h.firmwareTraps = true;
      this.harts.push(h);
    }
    if ((cfg.engine ?? 'jit') === 'jit') {
      this.engines = this.harts.map(
        (h) => new JitEngine(h, { asyncCompile: cfg.jitAsync ?? true, threshold: cfg.jitThreshold }),
      );
      for (const e of this.engines) e.profile = cfg.jitProfile ?? false;
      const mem = this.mem;
      const engine0 = this.engines[0];
      // Device writes into RAM drop translations of the pages they touch (in every engine sharing the memory).
      mem.dmaWriteHook = (host, len) => engine0.invalidateRange(host - mem.ramOffset + mem.ramBase, len);
    }
    const setPending = (hartId: number, bit: number, level: boolean) => {
      this.harts[hartId]?.setPending(bit, level);
      if (level) this.onInterrupt();
    };
    this.clint = new Clint(cfg.cpus, this.clock, setPending);
    this.plic = new Plic(cfg.cpus, setPending);
    this.uart = new Uart16550(this.plic.irq(VIRT_IRQ.uart0), cfg.consoleOut, {
      inputSpace: () => this.onInputSpace(),
    });
    const wallOffsetNs = Date.now() * 1e6 - performance.now() * 1e6;
    const wallNs = cfg.wallClockNs ?? (() => wallOffsetNs + performance.now() * 1e6);
    this.rtc = new GoldfishRtc(this.plic.irq(VIRT_IRQ.rtc), wallNs);
    this.test = new SifiveTest({
      powerOff: () => {
        this.event = { kind: 'poweroff' };
      },
      reset: () => {
        this.event = { kind: 'reset' };
      },
      exit: (code: number) => {
        this.event = { kind: 'exit', code };
      },
    });
    const mm = VIRT_MEMMAP;
    this.bus.map(mm.test.base, mm.test.size, this.test, 'sifive-test');
    this.bus.map(mm.rtc.base, mm.rtc.size, this.rtc, 'rtc');
    this.bus.map(mm.clint.base, mm.clint.size, this.clint, 'clint');
    this.bus.map(mm.plic.base, mm.plic.size, this.plic, 'plic');
    this.bus.map(mm.uart0.base, mm.uart0.size, this.uart, 'uart0');
    const devices = cfg.virtio ?? [];
    if (devices.length > VIRT_MEMMAP.virtio.count)
      throw new Error(
        `at most ${VIRT_MEMMAP.virtio.count} virtio devices fit on the virt board, got ${devices.length}`,
      );
    devices.forEach(({ device, name }, i) => {
      const slot = virtioSlot(i);
      const t = new VirtioMmio(device, this.mem, this.plic.irq(slot.irq), {
        needsReset: (why: string) => cfg.log?.(`${name}: guest driver error, device needs reset: ${why}`),
      });
      this.virtio.push(t);
      this.bus.map(slot.base, VIRTIO_MMIO_SIZE, t, name);
    });
    this.sbi = new SbiDispatcher(this);
  }

  /** Whether boot() ran before or a saved state was restored (RAM then holds contents a reboot clears). */
  booted = false;

  /** Load kernel, initrd and device tree, and put hart 0 at the kernel entry in S-mode (the boot protocol). */
  boot(): BootLayout {
    const mem = this.mem;
    const ramBase = mem.ramBase,
      ramEnd = mem.ramBase + mem.ramSize;
    const img =
      this.cfg.kernelFormat === 'raw'
        ? rawPayload(this.cfg.kernel, this.cfg.kernelName ?? 'boot loader')
        : parseKernelImage(this.cfg.kernel, this.cfg.kernelName, mem.ramSize);
    const kernel = ramBase + img.textOffset;
    const kernelEnd = kernel + img.imageSize;
    if (kernelEnd > ramEnd)
      throw new Error(
        `the kernel needs ${Math.ceil((kernelEnd - ramBase) / MiB)} MiB of RAM; --memory is ${mem.ramSize / MiB} MiB`,
      );
    // A reboot starts from zeroed RAM, like the first boot. The first boot skips the fill: the memory is already zero, and
    // writing 512 MiB of zeros would commit every host page of guest RAM before the guest uses any (and cost 0.3 s).
    if (this.booted) mem.u8.fill(0, mem.ramOffset, mem.ramOffset + mem.ramSize);
    this.booted = true;
    this.engines?.forEach((e) => e.invalidateAll());
    mem.writeBytes(kernel, img.data);
    let initrd: { start: number; end: number } | undefined;
    if (this.cfg.initrd) {
      const size = this.cfg.initrd.length;
      let start = Math.max(alignUp(kernelEnd, 2 * MiB), kernel + Math.min(mem.ramSize / 2, 128 * MiB));
      start = alignUp(start, 4096);
      if (start + size > ramEnd - 2 * MiB) start = alignUp(kernelEnd, 4096);
      if (start + size > ramEnd - 2 * MiB)
        throw new Error(
          `the initrd (${Math.ceil(size / MiB)} MiB) does not fit in ${mem.ramSize / MiB} MiB of RAM next to the kernel`,
        );
      mem.writeBytes(start, this.cfg.initrd);
      initrd = { start, end: start + size };
    }
    const fdt = buildVirtDeviceTree({
      memorySize: mem.ramSize,
      numHarts: this.harts.length,
      isa: ISA_STRING,
      isaExtensions: ISA_EXTENSIONS,
      mmuType: 'riscv,sv48',
      bootargs: this.cfg.cmdline,
      initrd,
      rngSeed: this.cfg.rngSeed ?? randomBytes(32),
      virtioSlots: this.virtio.map((_, i) => i),
    });
    // As QEMU places it: as high as possible but below 3 GiB, so that 32-bit code can address it too.
    const fdtAddr = alignDown((ramBase < 3072 * MiB ? Math.min(ramEnd, 3072 * MiB) : ramEnd) - fdt.length, 2 * MiB);
    if (initrd && fdtAddr < initrd.end) throw new Error('not enough RAM for kernel, initrd and device tree');
    mem.writeBytes(fdtAddr, fdt);
    this.layout = { kernel, kernelEnd, initrd, fdt: fdtAddr, fdtSize: fdt.length };
    for (let i = 0; i < this.harts.length; i++) this.resetHart(i);
    this.startHart(0, kernel | 0, Math.floor(kernel / 2 ** 32), fdtAddr | 0, Math.floor(fdtAddr / 2 ** 32));
    this.event = { kind: 'running' };
    return this.layout;
  }

  /** The firmware's view of a hart before S-mode runs: delegation, counters and Sstc as OpenSBI would leave them. */
  private resetHart(i: number): void {
    const h = this.harts[i];
    h.reset();
    h.firmwareTraps = true;
    h.medeleg = 0xb1ff; // everything but ecall from S/M goes straight to the guest kernel
    h.mideleg = MIP_SSIP | MIP_STIP | MIP_SEIP;
    h.mcounteren = 7; // cycle, time, instret readable in S (and U if the kernel allows)
    // Without the SBI PMU extension Linux never sets scounteren, so programs' rdtime/rdcycle (ping, date, libc's
    // clock_gettime fallbacks) would trap. Hand over with the counters user-readable, as legacy firmware did.
    h.scounteren = 7;
    h.menvcfgHi = 1 << 31; // Sstc: the guest programs stimecmp itself
    h.menvcfgLo = 0;
    this.hartState[i] = HART_STOPPED;
    this.waiting[i] = false;
  }

  // ---- SbiPlatform ----
  hartStatus(id: number): number {
    return this.hartState[id];
  }
  startHart(id: number, addrLo: number, addrHi: number, opaqueLo: number, opaqueHi: number): void {
    const h = this.harts[id];
    h.priv = PRIV_S;
    h.satpLo = 0;
    h.satpHi = 0;
    h.mstatus = 0;
    h.flushTlb();
    h.pcLo = addrLo;
    h.pcHi = addrHi;
    h.x[20] = id;
    h.x[21] = 0;
    h.x[22] = opaqueLo;
    h.x[23] = opaqueHi;
    this.hartState[id] = HART_STARTED;
    this.waiting[id] = false;
  }
  stopHart(id: number): void {
    this.hartState[id] = HART_STOPPED;
  }
  suspendHart(id: number): void {
    this.waiting[id] = true;
  }
  consoleWrite(bytes: Uint8Array): void {
    this.cfg.consoleOut(bytes);
  }
  consoleRead(max: number): Uint8Array {
    const out: number[] = [];
    while (out.length < max && this.consoleInput.length) {
      const head = this.consoleInput[0];
      const take = Math.min(max - out.length, head.length);
      for (let i = 0; i < take; i++) out.push(head[i]);
      if (take === head.length) this.consoleInput.shift();
      else this.consoleInput[0] = head.subarray(take);
    }
    return Uint8Array.from(out);
  }
  systemReset(type: number): void {
    this.event = type === 0 ? { kind: 'poweroff' } : { kind: 'reset' };
  }
  stealTimeNs(id: number): number {
    return this.stealMs[id] * 1e6;
  }

  /** Host input for the console: the UART takes up to inputRoom() bytes; returns how many it took. */
  input(bytes: Uint8Array): number {
    return this.uart.receive(bytes);
  }

  /** How many bytes of host console input the UART takes now. */
  inputRoom(): number {
    return this.uart.canAccept();
  }

  /** The board's devices by name, in address order (platform devices, then virtio slots in use). */
  deviceNames(): string[] {
    return this.bus.list().map((r) => r.name);
  }

  /** Re-evaluate time-driven interrupt sources. */
  updateDevices(): void {
    this.clint.update();
    this.rtc.update();
  }

  /** A hart in WFI wakes when an enabled interrupt is pending (whatever mstatus.xIE says). */
  private wakeCheck(h: Hart, i: number): boolean {
    if (!this.waiting[i]) return true;
    h.updateTimer();
    if ((h.mip & h.mie) !== 0) {
      this.waiting[i] = false;
      return true;
    }
    return false;
  }

  /**
   * Runs each started, non-waiting hart for one slice of up to `slice` instructions.
   * Returns the number of harts that ran; 0 means every hart waits for an interrupt.
   */
  runSlice(slice: number): number {
    this.updateDevices();
    let ran = 0;
    const n = this.harts.length;
    for (let i = 0; i < n; i++) {
      if (this.hartState[i] !== HART_STARTED) continue;
      const h = this.harts[i];
      if (!this.wakeCheck(h, i)) continue;
      ran++;
      const t0 = n > 1 ? performance.now() : 0;
      const reason = this.engines ? this.engines[i].run(slice) : h.run(slice);
      if (reason === StopReason.MachineTrap) this.machineTrap(h);
      else if (reason === StopReason.Wfi) this.waiting[i] = true;
      this.stuckSlices[i] = trapsAtOwnHandler(h) ? (this.stuckSlices[i] ?? 0) + 1 : 0;
      if (this.stuckSlices[i] >= STUCK_SLICES)
        this.event = {
          kind: 'stuck',
          message: `hart ${i} is stuck: its trap handler at 0x${hex64(h.stvecHi, h.stvecLo & ~3)} faults at once (scause ${h.scauseLo}), so the guest cannot go on (a corrupt kernel or boot loader?)`,
        };
      if (n > 1) h.reservation = -1; // another hart runs next: a reservation does not survive the switch
      if (n > 1) {
        const dt = performance.now() - t0;
        for (let j = 0; j < n; j++)
          if (j !== i && this.hartState[j] === HART_STARTED && !this.waiting[j]) this.stealMs[j] += dt;
      }
      if (this.event.kind !== 'running') break;
    }
    if (n > 1) for (const id of this.sbi.sta.hartsWithShmem()) this.sbi.sta.publish(this.mem, id, this.stealTimeNs(id));
    return ran;
  }

  private readonly stuckSlices: number[] = [];

  private machineTrap(h: Hart): void {
    if (!h.trapInterrupt && h.trapCause === CAUSE_ECALL_S) {
      const t0 = performance.now();
      this.sbi.handle(h);
      this.hypervisorMs += performance.now() - t0;
      return;
    }
    throw new HypervisorFault(describeHypervisorFault(h));
  }

  /** Earliest future event (in clock ticks) that could wake a waiting hart; Infinity if none. */
  nextDeadline(): number {
    let t = this.clint.nextDeadline();
    for (let i = 0; i < this.harts.length; i++) {
      const h = this.harts[i];
      if (this.hartState[i] === HART_STARTED && (h.mie & MIP_STIP) !== 0) t = Math.min(t, h.stimecmp);
    }
    const rtcNs = this.rtc.nextDeadline();
    if (rtcNs !== Infinity) t = Math.min(t, this.clock() + Math.max(0, (rtcNs - this.rtc.timeNs()) / 100));
    return t;
  }

  allStopped(): boolean {
    return this.hartState.every((s) => s !== HART_STARTED);
  }

  /** True while a kernel page's translation compiles in the background; it installs only when the event loop turns. */
  kernelCompiling(): boolean {
    return this.engines !== undefined && this.engines.some((e) => e.kernelCompiling > 0);
  }
}

export class HypervisorFault extends Error {
  override name = 'HypervisorFault';
}

function alignUp(v: number, a: number): number {
  return Math.ceil(v / a) * a;
}
function alignDown(v: number, a: number): number {
  return Math.floor(v / a) * a;
}

/**
 * True when the hart sits at its S-mode trap handler's entry having just taken an exception there: the handler's
 * first instruction itself faults (an unmapped or zero stvec, garbage code), and every further trap comes back.
 */
function trapsAtOwnHandler(h: Hart): boolean {
  const baseLo = (h.stvecLo & ~3) >>> 0;
  return (
    h.priv === PRIV_S &&
    (h.scauseHi & 0x8000_0000) === 0 &&
    h.pcLo >>> 0 === baseLo &&
    h.pcHi === h.stvecHi &&
    h.sepcLo >>> 0 === baseLo &&
    h.sepcHi === h.stvecHi
  );
}

function hex64(hi: number, lo: number): string {
  return ((BigInt(hi >>> 0) << 32n) | BigInt(lo >>> 0)).toString(16);
}
