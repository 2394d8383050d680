// virtio-console (virtio 1.2 §5.3): port 0 is the console (hvc0); with named ports, MULTIPORT and its control queues.
import { VIRTIO_ID_CONSOLE } from './constants.js';
import { deliverToQueue, readConfigBytes, type VirtioContext, type VirtioDevice } from './device.js';
import type { SplitQueue } from './queue.js';
import { HOST_INPUT_BACKLOG, InputBacklog, type HostInputEvents, type HostInputPort } from '../host-input.js';

export const VIRTIO_CONSOLE_F_SIZE = 1n << 0n;
export const VIRTIO_CONSOLE_F_MULTIPORT = 1n << 1n;

/** Control events (§5.3.6.2). */
export const CONSOLE_DEVICE_READY = 0;
export const CONSOLE_DEVICE_ADD = 1;
export const CONSOLE_PORT_READY = 3;
export const CONSOLE_CONSOLE_PORT = 4;
export const CONSOLE_RESIZE = 5;
export const CONSOLE_PORT_OPEN = 6;
export const CONSOLE_PORT_NAME = 7;

/** A guest can point many descriptors at the same RAM; cap what one chain sends to the sink. */
const MAX_OUTPUT_PER_CHAIN = 1024 * 1024;
/** Named ports a device carries at most (each costs two queues). */
export const MAX_NAMED_PORTS = 15;
/** What a port name may look like: the names QEMU and its users give (org.qemu.guest_agent.0). */
export const PORT_NAME_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]{0,126}$/;
/** Control messages waiting for the driver's buffers; a driver that never posts any cannot make the device hoard more. */
const MAX_PENDING_CONTROL = 256;
/** A control message the driver sends is 8 bytes; anything longer is ignored past this. */
const CONTROL_HEADER = 8;

export interface ConsoleSink {
  /** Bytes the guest wrote to hvc0 (the array is the caller's to keep). */
  write(data: Uint8Array): void;
}

/** The host end of a named port. */
export interface PortHost {
  /** Bytes the guest wrote to the port (the array is the caller's to keep). */
  write(data: Uint8Array): void;
  /** A guest program opened (true) or closed (false) the port; a device reset closes it. */
  opened?(open: boolean): void;
}

export interface NamedPortSpec {
  /** The name the guest sees in /sys/class/virtio-ports/vportNpM/name and as /dev/virtio-ports/NAME. */
  name: string;
  host: PortHost;
}

/** What the host holds of a named port: it sends bytes to the guest program that has the port open. */
export interface ConsolePort {
  readonly name: string;
  /** A guest program has the port open (bytes sent now reach it). */
  readonly guestOpen: boolean;
  /** Queues up to `room()` bytes for the guest; returns how many it took (0 while the guest has the port closed). */
  send(data: Uint8Array): number;
  /** Bytes send() takes now. */
  room(): number;
}

export interface VirtioConsoleOptions {
  /** Terminal size at power-on (default 0x0: unknown until setSize). */
  size?: { cols: number; rows: number };
  queueSize?: number;
  /** Host input held while the guest posts no receive buffers (default HOST_INPUT_BACKLOG), per port. */
  backlog?: number;
  events?: HostInputEvents;
  /** Named ports after the console (ids 1, 2, ...): MULTIPORT is offered when there is at least one. */
  ports?: NamedPortSpec[];
}

interface PortState {
  readonly id: number;
  readonly name: string | undefined;
  readonly input: InputBacklog;
  readonly out: (data: Uint8Array) => void;
  readonly host: PortHost | undefined;
  guestOpen: boolean;
}

/**
 * VIRTIO_CONSOLE_F_SIZE is always offered: Linux's hvc driver reads cols/rows on each configuration interrupt and
 * resizes hvc0 (its foreground process group gets SIGWINCH). A size known at DRIVER_OK is announced with one
 * configuration interrupt, since Linux reads the size on no other occasion. With MULTIPORT (named ports), Linux
 * learns the console's size from RESIZE control messages instead.
 *
 * Queues: port 0 receive/transmit are 0 and 1, the control queues 2 (to the driver) and 3 (from it), port n ≥ 1 uses
 * 2n + 2 and 2n + 3. The driver announces DEVICE_READY; the device answers DEVICE_ADD for every port; each port the
 * driver makes ready gets CONSOLE_PORT (port 0), PORT_NAME and PORT_OPEN (the host end is always connected); the
 * driver reports PORT_OPEN as guest programs open and close a port.
 */
export class VirtioConsole implements VirtioDevice, HostInputPort {
  readonly deviceId = VIRTIO_ID_CONSOLE;
  readonly features: bigint;
  readonly queueMaxSizes: readonly number[];
  readonly configSize = 12;
  private readonly config = new Uint8Array(12);
  private ctx: VirtioContext | undefined;
  private readonly ports: PortState[];
  private pendingControl: Uint8Array[] = [];

  constructor(sink: ConsoleSink, opts: VirtioConsoleOptions = {}) {
    const size = opts.queueSize ?? 64;
    const named = opts.ports ?? [];
    if (named.length > MAX_NAMED_PORTS)
      throw new Error(`virtio-console: at most ${MAX_NAMED_PORTS} named ports, got ${named.length}`);
    const seen = new Set<string>();
    for (const p of named) {
      if (!PORT_NAME_PATTERN.test(p.name)) throw new Error(`virtio-console: bad port name "${p.name}"`);
      if (seen.has(p.name)) throw new Error(`virtio-console: port name "${p.name}" given twice`);
      seen.add(p.name);
    }
    const backlog = opts.backlog ?? HOST_INPUT_BACKLOG;
    this.ports = [
      {
        id: 0,
        name: undefined,
        input: new InputBacklog(backlog, opts.events),
        out: (d) => sink.write(d),
        host: undefined,
        guestOpen: false,
      },
      ...named.map((p, i) => ({
        id: i + 1,
        name: p.name,
        input: new InputBacklog(backlog),
        out: (d: Uint8Array) => p.host.write(d),
        host: p.host,
        guestOpen: false,
      })),
    ];
    this.features = VIRTIO_CONSOLE_F_SIZE | (named.length ? VIRTIO_CONSOLE_F_MULTIPORT : 0n);
    this.queueMaxSizes = new Array<number>(named.length ? 2 * (named.length + 1) + 2 : 2).fill(size);
    new DataView(this.config.buffer).setUint32(4, this.ports.length, true);
    if (opts.size) this.writeSize(opts.size.cols, opts.size.rows);
  }

  /** The host end of the named port `name` (undefined when the device has no such port). */
  port(name: string): ConsolePort | undefined {
    const p = this.ports.find((q) => q.name === name);
    if (!p) return undefined;
    return {
      name,
      get guestOpen() {
        return p.guestOpen;
      },
      send: (data) => {
        if (!p.guestOpen) return 0;
        const n = p.input.push(data);
        this.deliver(p);
        return n;
      },
      room: () => (p.guestOpen ? p.input.room() : 0),
    };
  }

  /** Bytes of host input the device takes now (room in its backlog). */
  canAccept(): number {
    return this.ports[0].input.room();
  }

  /** Host keyboard input for the guest: takes up to canAccept() bytes; returns how many. */
  receive(data: Uint8Array): number {
    const n = this.ports[0].input.push(data);
    this.deliver(this.ports[0]);
    return n;
  }

  /** Bytes of host input not yet delivered to the guest. */
  pendingInput(): number {
    return this.ports[0].input.length;
  }

  /** The terminal's size (columns, rows; each clamped to 0..65535); the guest learns it through a configuration interrupt. */
  setSize(cols: number, rows: number): void {
    const [c, r] = [clampU16(cols), clampU16(rows)];
    if (c === this.cols && r === this.rows) return;
    this.writeSize(c, r);
    if (this.multiport) this.queueResize();
    else this.ctx?.configChanged();
  }

  get cols(): number {
    return this.config[0] | (this.config[1] << 8);
  }

  get rows(): number {
    return this.config[2] | (this.config[3] << 8);
  }

  readConfig(offset: number, size: number): number {
    return readConfigBytes(this.config, offset, size);
  }

  writeConfig(): void {
    // emerg_wr needs VIRTIO_CONSOLE_F_EMERG_WRITE, which is not offered.
  }

  activate(ctx: VirtioContext): void {
    this.ctx = ctx;
    if ((this.cols || this.rows) && !this.multiport) ctx.configChanged();
    this.flushControl();
  }

  reset(): void {
    this.ctx = undefined;
    this.pendingControl = [];
    for (const p of this.ports) this.setGuestOpen(p, false);
  }

  notify(queueIndex: number): void {
    if (queueIndex === 2) return this.flushControl();
    if (queueIndex === 3) return this.receiveControl();
    const port = this.ports[portOfQueue(queueIndex)];
    if (!port) return;
    if (queueIndex % 2 === 1) this.transmit(port, queueIndex);
    else this.deliver(port);
  }

  saveState(): {
    input: number[];
    config: number[];
    ports?: { name: string; open: boolean; input: number[] }[];
    control?: number[][];
  } {
    const state = { input: this.ports[0].input.toArray(), config: [...this.config] };
    if (this.ports.length === 1) return state;
    return {
      ...state,
      ports: this.ports.slice(1).map((p) => ({ name: p.name!, open: p.guestOpen, input: p.input.toArray() })),
      control: this.pendingControl.map((m) => [...m]),
    };
  }

  restoreState(state: unknown): void {
    const s = state as { input?: unknown; config?: unknown; ports?: unknown; control?: unknown };
    if (Array.isArray(s.input)) refill(this.ports[0].input, s.input);
    if (Array.isArray(s.config)) this.config.set((s.config as unknown[]).slice(0, 4).map((b) => Number(b) & 0xff));
    if (Array.isArray(s.ports))
      for (const saved of s.ports as { name?: unknown; open?: unknown; input?: unknown }[]) {
        const p = this.ports.find((q) => q.name !== undefined && q.name === saved?.name);
        if (!p) continue;
        if (Array.isArray(saved.input)) refill(p.input, saved.input);
        this.setGuestOpen(p, saved.open === true);
      }
    if (Array.isArray(s.control))
      this.pendingControl = (s.control as unknown[])
        .slice(0, MAX_PENDING_CONTROL)
        .filter(Array.isArray)
        .map((m) => Uint8Array.from((m as unknown[]).slice(0, 256), (b) => Number(b) & 0xff));
  }

  private get multiport(): boolean {
    return this.ctx !== undefined && (this.ctx.features & VIRTIO_CONSOLE_F_MULTIPORT) !== 0n;
  }

  private writeSize(cols: number, rows: number): void {
    const dv = new DataView(this.config.buffer);
    dv.setUint16(0, clampU16(cols), true);
    dv.setUint16(2, clampU16(rows), true);
  }

  private queue(index: number): SplitQueue | undefined {
    const q = this.ctx?.queues[index];
    return q?.enabled ? q : undefined;
  }

  private transmit(port: PortState, queueIndex: number): void {
    const ctx = this.ctx;
    const q = this.queue(queueIndex);
    if (!ctx || !q) return;
    for (let chain = q.pop(); chain; chain = q.pop()) {
      const out = new Uint8Array(Math.min(chain.readableLen, MAX_OUTPUT_PER_CHAIN));
      chain.read(0, out);
      q.pushUsed(chain.head, 0);
      if (out.length > 0) port.out(out);
    }
    q.publishAvailEvent();
    ctx.interrupt(q);
  }

  private deliver(port: PortState): void {
    const ctx = this.ctx;
    const q = this.queue(port.id === 0 ? 0 : 2 * port.id + 2);
    if (!ctx || !q) return;
    const input = port.input;
    deliverToQueue(
      ctx,
      q,
      () => input.length > 0,
      (chain) => {
        // One chain takes bytes from as many backlog chunks as fit.
        let n = 0;
        while (n < chain.writableLen && input.length > 0) {
          const run = input.peek(chain.writableLen - n);
          const wrote = chain.write(n, run);
          input.skip(wrote);
          n += wrote;
          if (wrote < run.length) break;
        }
        return n;
      },
    );
    input.notifySpace();
  }

  /** Messages from the driver on the control transmit queue, one per chain. */
  private receiveControl(): void {
    const ctx = this.ctx;
    const q = this.queue(3);
    if (!ctx || !q || !this.multiport) return;
    const messages: Uint8Array[] = [];
    for (let chain = q.pop(); chain; chain = q.pop()) {
      const msg = new Uint8Array(Math.min(chain.readableLen, CONTROL_HEADER));
      chain.read(0, msg);
      q.pushUsed(chain.head, 0);
      if (msg.length === CONTROL_HEADER) messages.push(msg);
    }
    q.publishAvailEvent();
    ctx.interrupt(q);
    for (const m of messages) this.handleControl(m);
    this.flushControl();
  }

  private handleControl(msg: Uint8Array): void {
    const dv = new DataView(msg.buffer, msg.byteOffset, msg.byteLength);
    const id = dv.getUint32(0, true);
    const event = dv.getUint16(4, true);
    const value = dv.getUint16(6, true);
    if (event === CONSOLE_DEVICE_READY) {
      // value 0: the driver failed to set up; it will not use the ports.
      if (value === 1) for (const p of this.ports) this.sendControl(p.id, CONSOLE_DEVICE_ADD, 1);
      return;
    }
    const port = this.ports[id];
    if (!port) return;
    if (event === CONSOLE_PORT_READY && value === 1) {
      if (port.id === 0) {
        this.sendControl(0, CONSOLE_CONSOLE_PORT, 1);
        if (this.cols || this.rows) this.queueResize(false);
      }
      if (port.name !== undefined) this.sendControl(port.id, CONSOLE_PORT_NAME, 0, Buffer.from(port.name));
      this.sendControl(port.id, CONSOLE_PORT_OPEN, 1);
    } else if (event === CONSOLE_PORT_OPEN) {
      this.setGuestOpen(port, value === 1);
      if (port.guestOpen) this.deliver(port);
    }
  }

  private setGuestOpen(port: PortState, open: boolean): void {
    if (port.guestOpen === open) return;
    port.guestOpen = open;
    // Bytes meant for a program that closed the port are not for the next one to open it.
    if (!open && port.id !== 0) port.input.clear();
    port.host?.opened?.(open);
  }

  /** The console port's size as a RESIZE message: struct virtio_console_resize { le16 cols; le16 rows; } (§5.3.6.2). */
  private queueResize(flush = true): void {
    const size = new Uint8Array(4);
    const dv = new DataView(size.buffer);
    dv.setUint16(0, this.cols, true);
    dv.setUint16(2, this.rows, true);
    this.sendControl(0, CONSOLE_RESIZE, 0, size);
    if (flush) this.flushControl();
  }

  private sendControl(id: number, event: number, value: number, data?: Uint8Array): void {
    if (this.pendingControl.length >= MAX_PENDING_CONTROL) return;
    const msg = new Uint8Array(CONTROL_HEADER + (data?.length ?? 0));
    const dv = new DataView(msg.buffer);
    dv.setUint32(0, id, true);
    dv.setUint16(4, event, true);
    dv.setUint16(6, value, true);
    if (data) msg.set(data, CONTROL_HEADER);
    this.pendingControl.push(msg);
  }

  /** Pending control messages into the driver's control receive buffers, one message per buffer. */
  private flushControl(): void {
    const ctx = this.ctx;
    const q = this.queue(2);
    if (!ctx || !q || !this.multiport) return;
    deliverToQueue(
      ctx,
      q,
      () => this.pendingControl.length > 0,
      (chain) => chain.write(0, this.pendingControl.shift()!),
    );
  }
}

/** The port whose receive or transmit queue is `index` (queues 2 and 3 are the control queues). */
function portOfQueue(index: number): number {
  return index < 2 ? 0 : (index >> 1) - 1;
}

function refill(backlog: InputBacklog, bytes: unknown[]): void {
  backlog.clear();
  backlog.push(Uint8Array.from(bytes, (b) => Number(b) & 0xff));
}

function clampU16(v: number): number {
  return Number.isFinite(v) ? Math.min(0xffff, Math.max(0, Math.trunc(v))) : 0;
}
