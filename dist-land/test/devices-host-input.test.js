// Host input with flow control: UART (RTS, bounded backlog, inputSpace), virtio-console's backlog and size, and QEMU as oracle for a reader that drains slowly.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Uart16550 } from '../src/devices/uart16550.js';
import { VirtioConsole } from '../src/devices/virtio/console.js';
import { F_VERSION_1 } from '../src/devices/virtio/constants.js';
import { benchFor } from '../src/devices/virtio/mock-driver.js';
import { Bus } from '../src/bus/bus.js';
import { Hart } from '../src/cpu/hart.js';
import { GuestMemory } from '../src/memory/guest-memory.js';
import { SifiveTest } from '../src/devices/sifive-test.js';
import { parseElf } from '../src/vmm/elf.js';
const RBR = 0, IER = 1, IIR = 2, FCR = 2, LCR = 3, MCR = 4, LSR = 5, MSR = 6;
/** Feeds `data` the way the VM's input queue does: as much as the device takes, the rest when it signals space. */
function producer(data) {
    let off = 0;
    let spaceSignals = 0;
    const p = {
        port: undefined,
        get offered() {
            return off;
        },
        get spaceSignals() {
            return spaceSignals;
        },
        feed() {
            const port = p.port;
            while (off < data.length && port.canAccept() > 0)
                off += port.receive(data.subarray(off));
        },
        onSpace() {
            spaceSignals++;
            p.feed();
        },
    };
    return p;
}
function uartRig(backlog) {
    const out = [];
    const irqs = [];
    let space = 0;
    const uart = new Uart16550({ set: (l) => irqs.push(l) }, (b) => out.push(...b), { inputSpace: () => space++ }, backlog);
    return {
        uart,
        out,
        space: () => space,
        line: () => (irqs.length ? irqs[irqs.length - 1] : false),
        r: (o) => uart.read(o, 1),
        w: (o, v) => uart.write(o, 1, v),
    };
}
test("input typed before the driver opens the port survives Linux's 8250 start-up (FIFO clear, RX drain) and arrives once RTS rises", () => {
    const { uart, r, w, line } = uartRig();
    const typed = new TextEncoder().encode('uname -m\n');
    assert.equal(uart.receive(typed), typed.length);
    // Before anyone asserts RTS nothing enters the receiver.
    assert.equal(r(LSR) & 0x01, 0);
    // serial8250_do_startup: clear and disable the FIFOs, clear interrupts (LSR, RX if DR, IIR, MSR), 8N1, FIFO on.
    w(FCR, 0x01);
    w(FCR, 0x07);
    w(FCR, 0x00);
    if (r(LSR) & 0x01)
        r(RBR);
    r(IIR);
    r(MSR);
    w(LCR, 0x03);
    w(FCR, 0x81);
    w(IER, 0x05);
    assert.equal(line(), false, 'no receive interrupt while RTS is low');
    // uart_port_startup raises DTR and RTS (OUT2 comes with them on this board).
    w(MCR, 0x0b);
    assert.equal(line(), true);
    let got = '';
    while (r(LSR) & 0x01)
        got += String.fromCharCode(r(RBR));
    assert.equal(got, 'uname -m\n');
    // Dropping RTS (HUPCL on close, or CRTSCTS throttling) stops the flow again; bytes wait.
    w(MCR, 0x09);
    uart.receive(Uint8Array.of(0x41));
    assert.equal(r(LSR) & 0x01, 0);
    w(MCR, 0x0b);
    assert.equal(r(RBR), 0x41);
});
test('loopback cuts the receiver off from the host line', () => {
    const { uart, r, w } = uartRig();
    w(MCR, 0x1b);
    uart.receive(Uint8Array.of(1, 2, 3));
    assert.equal(r(LSR) & 0x01, 0);
    w(MCR, 0x0b);
    assert.equal(r(RBR), 1);
});
test('the backlog is bounded: receive takes what fits, canAccept says 0, inputSpace comes once half is drained', () => {
    const { uart, r, w, space } = uartRig(100);
    w(FCR, 0x01);
    const data = Uint8Array.from({ length: 300 }, (_, i) => i & 0xff);
    assert.equal(uart.receive(data), 100);
    assert.equal(uart.canAccept(), 0);
    assert.equal(uart.receive(data), 0);
    assert.equal(uart.pendingInput(), 100);
    w(MCR, 0x0b);
    // The first 16 bytes moved into the FIFO: read the FIFO empty, then the backlog refills it.
    let read = 0;
    while (space() === 0) {
        assert.ok(r(LSR) & 0x01);
        assert.equal(r(RBR), read++ & 0xff);
    }
    assert.equal(space(), 1, 'one signal, not one per byte');
    assert.ok(uart.canAccept() >= 50);
    // A guest that never reads again costs the host at most the backlog plus the FIFO.
    uart.receive(data.subarray(100));
    assert.ok(uart.pendingInput() <= 100 + 16);
});
test('a producer that waits for inputSpace delivers a long paste intact through a small backlog', () => {
    const data = Uint8Array.from({ length: 10_000 }, (_, i) => (i * 7 + (i >> 5)) & 0xff);
    const p = producer(data);
    const uart = new Uart16550({ set: () => undefined }, () => undefined, { inputSpace: () => p.onSpace() }, 64);
    p.port = uart;
    uart.write(FCR, 1, 0x01);
    uart.write(MCR, 1, 0x0b);
    p.feed();
    assert.equal(p.offered, 64 + 16, 'the backlog and the FIFO');
    const got = [];
    while (uart.read(LSR, 1) & 0x01)
        got.push(uart.read(RBR, 1));
    assert.equal(got.length, data.length);
    assert.deepEqual(Uint8Array.from(got), data);
    assert.ok(p.spaceSignals > 100);
});
function consoleRig(backlog) {
    const p = producer(Uint8Array.from({ length: 5000 }, (_, i) => 32 + (i % 90)));
    const dev = new VirtioConsole({ write: () => undefined }, { queueSize: 8, backlog, events: { inputSpace: () => p.onSpace() } });
    p.port = dev;
    const b = benchFor(dev);
    assert.ok(b.drv.negotiate(F_VERSION_1 | dev.features).accepted);
    const rx = b.drv.setupQueue(0);
    b.drv.setupQueue(1);
    b.drv.driverOk();
    return { ...b, dev, rx, p };
}
test('virtio-console: a bounded backlog, filled again as the guest posts receive buffers', () => {
    const c = consoleRig(256);
    c.p.feed();
    assert.equal(c.p.offered, 256);
    assert.equal(c.dev.canAccept(), 0);
    const got = [];
    const buf = c.drv.buffer(100);
    while (got.length < 5000) {
        c.rx.add([{ pa: buf, len: 100, write: true }]);
        c.rx.kick();
        const used = c.rx.takeUsed();
        assert.equal(used.length, 1);
        got.push(...c.mem.readBytes(buf, used[0].len));
        assert.ok(c.dev.pendingInput() <= 256);
    }
    assert.equal(c.p.offered, 5000);
    assert.deepEqual(Uint8Array.from(got), Uint8Array.from({ length: 5000 }, (_, i) => 32 + (i % 90)));
});
test('virtio-console: sizes are clamped to 16 bits and survive a snapshot', () => {
    const c = consoleRig(16);
    c.dev.setSize(1e6, -5);
    assert.equal(c.dev.cols, 0xffff);
    assert.equal(c.dev.rows, 0);
    c.dev.setSize(120, 40);
    const s = JSON.parse(JSON.stringify(c.dev.saveState()));
    const d = new VirtioConsole({ write: () => undefined });
    d.restoreState(s);
    assert.deepEqual([d.cols, d.rows], [120, 40]);
});
/**
 * A bare-metal reader: spins, then opens the line (8N1, MCR = DTR|RTS|OUT2, no FIFO) and polls one byte at a time
 * until EOT (0x04); prints the count and a 32-bit hash (h = h * 31 + b) as 16 hex digits, then exits with status 3.
 */
const READER = `
  .globl _start
_start:
  li s2, 0x10000000
  li t0, 300000
1: addi t0, t0, -1
  bnez t0, 1b
  li t0, 3
  sb t0, 3(s2)
  li t0, 0x0b
  sb t0, 4(s2)
  li s3, 0
  li s4, 0
2: lbu t1, 5(s2)
  andi t1, t1, 1
  beqz t1, 2b
  lbu t2, 0(s2)
  li t3, 4
  beq t2, t3, 8f
  addi s3, s3, 1
  slli t4, s4, 5
  sub s4, t4, s4
  add s4, s4, t2
  slli s4, s4, 32
  srli s4, s4, 32
  j 2b
8: slli a0, s3, 32
  or a0, a0, s4
  li t4, 60
3: srl t3, a0, t4
  andi t3, t3, 15
  addi t3, t3, 48
  li t5, 58
  blt t3, t5, 4f
  addi t3, t3, 39
4: lbu t5, 5(s2)
  andi t5, t5, 0x20
  beqz t5, 4b
  sb t3, 0(s2)
  addi t4, t4, -4
  bgez t4, 3b
  li t0, 0x100000
  li t1, 0x33333
  sw t1, 0(t0)
5: j 5b
`;
function payload() {
    // Every byte value but EOT (the terminator) and Ctrl-A; the length forces many trips through a small backlog.
    const bytes = [];
    for (let i = 0; bytes.length < 3000; i++) {
        const b = (i * 73 + (i >> 4)) & 0xff;
        if (b !== 4 && b !== 1)
            bytes.push(b);
    }
    return Uint8Array.from(bytes);
}
function expected(data) {
    let h = 0;
    for (const b of data)
        h = (Math.imul(h, 31) + b) >>> 0;
    return data.length.toString(16).padStart(8, '0') + h.toString(16).padStart(8, '0');
}
function buildReader() {
    const dir = mkdtempSync(join(tmpdir(), 'uart-input-'));
    writeFileSync(join(dir, 'r.S'), READER);
    for (const [cmd, args] of [
        ['riscv64-linux-gnu-as', ['-march=rv64gc', '-o', join(dir, 'r.o'), join(dir, 'r.S')]],
        ['riscv64-linux-gnu-ld', ['-N', '-Ttext=0x80000000', '-o', join(dir, 'r.elf'), join(dir, 'r.o')]],
    ]) {
        const p = spawnSync(cmd, [...args], { encoding: 'utf8' });
        assert.equal(p.status, 0, p.stderr);
    }
    return { elf: join(dir, 'r.elf'), cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}
function runOurs(elfPath, input) {
    const mem = new GuestMemory(16 * 1024 * 1024);
    for (const seg of parseElf(new Uint8Array(readFileSync(elfPath))).segments)
        if (seg.memSize > 0)
            mem.writeBytes(seg.vaddr, seg.data);
    const bus = new Bus();
    let exit = null;
    let output = '';
    bus.map(0x100000, 0x1000, new SifiveTest({ powerOff: () => (exit = 0), reset: () => (exit = -1), exit: (c) => (exit = c) }), 't');
    const p = producer(input);
    const uart = new Uart16550({ set() { } }, (b) => (output += Buffer.from(b).toString('latin1')), { inputSpace: () => p.onSpace() }, 
    // A small backlog: the producer must wait for the guest many times.
    128);
    p.port = uart;
    bus.map(0x10000000, 0x100, uart, 'uart0');
    p.feed(); // everything is "typed" before the program reads
    const hart = new Hart(0, mem, bus);
    hart.firmwareTraps = false;
    hart.setPc(0x80000000n);
    for (let n = 0; n < 200_000_000 && exit === null; n += 1000)
        hart.run(1000);
    return { output, exit };
}
test('piped input that arrives long before a slow polling reader is delivered whole, as QEMU delivers it', () => {
    const { elf, cleanup } = buildReader();
    try {
        const data = payload();
        const input = new Uint8Array([...data, 4]);
        const q = spawnSync('qemu-system-riscv64', [
            '-M',
            'virt',
            '-m',
            '64M',
            '-bios',
            'none',
            '-kernel',
            elf,
            '-display',
            'none',
            '-serial',
            'stdio',
            '-monitor',
            'none',
            '-nodefaults',
        ], { input: Buffer.from(input), timeout: 60_000, encoding: 'latin1' });
        assert.equal(q.status, 3, `QEMU: ${q.stderr}`);
        const ours = runOurs(elf, input);
        assert.equal(ours.exit, 3);
        assert.equal(q.stdout.trim(), expected(data), 'QEMU read every byte');
        assert.equal(ours.output.trim(), q.stdout.trim());
    }
    finally {
        cleanup();
    }
});
//# sourceMappingURL=devices-host-input.test.js.map