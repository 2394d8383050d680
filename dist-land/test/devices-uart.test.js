// NS16550A: registers, DLAB, FIFOs, IIR priorities, THRE/RX interrupts, loopback — the sequences Linux's 8250 driver runs.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Uart16550 } from '../src/devices/uart16550.js';
const RBR = 0, THR = 0, DLL = 0, IER = 1, DLM = 1, IIR = 2, FCR = 2, LCR = 3, MCR = 4, LSR = 5, MSR = 6, SCR = 7;
/** What Linux's 8250 driver leaves in MCR once the port is open: DTR, RTS, OUT2. */
const DTR_RTS_OUT2 = 0x0b;
function rig() {
    const out = [];
    const irqs = [];
    const uart = new Uart16550({ set: (l) => irqs.push(l) }, (b) => out.push(...b));
    const line = () => (irqs.length ? irqs[irqs.length - 1] : false);
    return { uart, out, irqs, line, r: (o) => uart.read(o, 1), w: (o, v) => uart.write(o, 1, v) };
}
test('reset values (16550 data sheet; MCR.OUT2 set as QEMU does): IIR 0x01, LSR 0x60, MSR shows a connected modem', () => {
    const { r } = rig();
    assert.equal(r(IER), 0);
    assert.equal(r(IIR), 0x01);
    assert.equal(r(LCR), 0);
    assert.equal(r(MCR), 0x08);
    assert.equal(r(LSR), 0x60);
    assert.equal(r(MSR) & 0xf0, 0xb0); // DCD, DSR, CTS
    assert.equal(r(SCR), 0);
});
test("scratch register and IER read back as Linux's autoconfig expects", () => {
    const { r, w } = rig();
    for (const v of [0xa5, 0x5a, 0x00]) {
        w(SCR, v);
        assert.equal(r(SCR), v);
    }
    w(IER, 0xff);
    assert.equal(r(IER), 0x0f);
    w(IER, 0);
    assert.equal(r(IER), 0);
});
test('DLAB switches offsets 0/1 to the divisor latch', () => {
    const { r, w, out } = rig();
    w(LCR, 0x83);
    w(DLL, 0x01);
    w(DLM, 0x02);
    assert.equal(r(DLL), 0x01);
    assert.equal(r(DLM), 0x02);
    assert.deepEqual(out, []); // DLL writes are not transmitted
    w(LCR, 0x03);
    assert.equal(r(IER), 0);
    assert.equal(r(LCR), 0x03);
    w(THR, 0x41);
    assert.deepEqual(out, [0x41]);
    w(LCR, 0x80);
    assert.equal(r(DLL), 0x01);
});
test('FIFO enable shows in IIR bits 7:6 (how Linux detects a 16550A)', () => {
    const { r, w } = rig();
    w(FCR, 0x01);
    assert.equal(r(IIR) >> 6, 3);
    w(FCR, 0x00);
    assert.equal(r(IIR) >> 6, 0);
});
test('THRE interrupt: asserted when enabled with THR empty, cleared by reading IIR, re-armed by THR writes', () => {
    const { r, w, line } = rig();
    w(IER, 0x02);
    assert.equal(line(), true);
    assert.equal(r(IIR) & 0x0f, 0x02);
    assert.equal(line(), false); // reading IIR while it reports THRE clears it
    assert.equal(r(IIR) & 0x0f, 0x01);
    w(THR, 0x61);
    assert.equal(line(), true);
    assert.equal(r(IIR) & 0x0f, 0x02);
    // Linux's THRE test: enable, disable, enable again must re-assert.
    w(IER, 0);
    assert.equal(r(IIR) & 0x01, 1);
    w(IER, 0x02);
    assert.equal(r(IIR) & 0x0f, 0x02);
    w(IER, 0);
    assert.equal(line(), false);
});
test('received bytes: LSR.DR, RX data interrupt at the FIFO trigger level, timeout below it', () => {
    const { uart, r, w, line } = rig();
    w(MCR, DTR_RTS_OUT2);
    w(FCR, 0x01 | 0x80); // FIFO on, trigger 8
    w(IER, 0x01);
    assert.equal(line(), false);
    uart.receive(new TextEncoder().encode('abc'));
    assert.equal(r(LSR) & 0x01, 1);
    assert.equal(line(), true);
    assert.equal(r(IIR), 0xcc); // FIFO bits + character timeout
    uart.receive(new TextEncoder().encode('defgh'));
    assert.equal(r(IIR), 0xc4); // 8 bytes: trigger level reached
    const got = [];
    while (r(LSR) & 0x01)
        got.push(r(RBR));
    assert.equal(String.fromCharCode(...got), 'abcdefgh');
    assert.equal(line(), false);
    assert.equal(r(IIR), 0xc1);
});
test('host input beyond 16 bytes waits and is fed as the guest drains the FIFO', () => {
    const { uart, r, w } = rig();
    w(MCR, DTR_RTS_OUT2);
    w(FCR, 0x07);
    const text = 'The quick brown fox jumps over the lazy dog';
    uart.receive(new TextEncoder().encode(text));
    assert.equal(uart.pendingInput(), text.length);
    let got = '';
    while (r(LSR) & 0x01)
        got += String.fromCharCode(r(RBR));
    assert.equal(got, text);
    assert.equal(r(LSR) & 0x02, 0); // no overrun
});
test('a large paste arrives intact, in order, across many receive calls', () => {
    const { uart, r, w } = rig();
    w(MCR, DTR_RTS_OUT2);
    w(FCR, 0x01);
    const rnd = (i) => (i * 7919 + (i >> 3)) & 0xff;
    const total = 50_000;
    const buf = new Uint8Array(1000);
    for (let i = 0; i < total; i += 1000) {
        for (let j = 0; j < 1000; j++)
            buf[j] = rnd(i + j);
        uart.receive(buf); // the same buffer reused by the caller
    }
    const snap = JSON.parse(JSON.stringify(uart.save()));
    let n = 0;
    while (r(LSR) & 0x01)
        assert.equal(r(RBR), rnd(n++));
    assert.equal(n, total);
    const b = rig();
    b.uart.restore(snap);
    assert.equal(b.uart.pendingInput(), total);
});
test('non-FIFO mode holds one byte at a time', () => {
    const { uart, r, w, line } = rig();
    w(MCR, DTR_RTS_OUT2);
    w(IER, 0x01);
    uart.receive(Uint8Array.of(1, 2));
    assert.equal(r(IIR), 0x04);
    assert.equal(r(RBR), 1);
    assert.equal(line(), true);
    assert.equal(r(RBR), 2);
    assert.equal(line(), false);
    assert.equal(r(LSR) & 0x01, 0);
});
test('FCR clear-RX discards unread FIFO bytes', () => {
    const { uart, r, w } = rig();
    w(MCR, DTR_RTS_OUT2);
    w(FCR, 0x01);
    uart.receive(Uint8Array.of(9, 9, 9));
    w(FCR, 0x03);
    assert.equal(r(LSR) & 0x01, 0);
});
test('loopback: THR goes to RBR, modem outputs appear on MSR (Linux expects 0x90 for OUT2|RTS)', () => {
    const { r, w, out } = rig();
    w(MCR, 0x10 | 0x0a);
    assert.equal(r(MSR) & 0xf0, 0x90);
    w(MCR, 0x10 | 0x0f);
    assert.equal(r(MSR) & 0xf0, 0xf0);
    w(THR, 0x55);
    assert.deepEqual(out, []);
    assert.equal(r(LSR) & 0x01, 1);
    assert.equal(r(RBR), 0x55);
    w(MCR, 0x10);
    assert.equal(r(MSR) & 0x0f, 0x04 | 0x01 | 0x02 | 0x08); // TERI + DCTS + DDSR + DDCD
    assert.equal(r(MSR) & 0x0f, 0); // deltas clear on read
    w(MCR, 0);
    assert.equal(r(MSR) & 0xf0, 0xb0);
});
test('overrun in loopback sets LSR.OE and a line-status interrupt above all others; LSR read clears it', () => {
    const { r, w, line } = rig();
    w(IER, 0x0f);
    w(MCR, 0x10);
    w(THR, 1);
    w(THR, 2); // non-FIFO: the holding register is overwritten
    assert.equal(r(IIR), 0x06);
    assert.equal(r(LSR) & 0x02, 0x02);
    assert.equal(r(LSR) & 0x02, 0);
    assert.equal(r(IIR), 0x04);
    assert.equal(r(RBR), 2);
    assert.equal(r(IIR), 0x02);
    assert.equal(r(IIR), 0x00); // entering loopback dropped CTS/DSR/DCD: modem status comes last
    r(MSR);
    assert.equal(r(IIR), 0x01);
    assert.equal(line(), false);
});
test('modem-status interrupt has the lowest priority', () => {
    const { r, w } = rig();
    w(IER, 0x0a);
    assert.equal(r(IIR), 0x02);
    w(MCR, 0x10); // loopback with everything low: CTS, DSR, DCD fall -> deltas
    assert.equal(r(IIR), 0x00);
    r(MSR);
    assert.equal(r(IIR), 0x01);
});
test('save/restore round-trips through JSON', () => {
    const a = rig();
    a.w(LCR, 0x80);
    a.w(DLL, 12);
    a.w(LCR, 0x03);
    a.w(FCR, 0xc1);
    a.w(IER, 0x01);
    a.w(SCR, 0x77);
    a.w(MCR, DTR_RTS_OUT2);
    a.uart.receive(new TextEncoder().encode('x'.repeat(20)));
    const s = JSON.parse(JSON.stringify(a.uart.save()));
    const b = rig();
    b.uart.restore(s);
    assert.equal(b.line(), true);
    assert.equal(b.r(SCR), 0x77);
    assert.equal(b.r(IIR), 0xc4);
    assert.equal(b.uart.pendingInput(), 20);
    b.w(LCR, 0x83);
    assert.equal(b.r(DLL), 12);
});
//# sourceMappingURL=devices-uart.test.js.map