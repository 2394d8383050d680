// Unit tests for each SBI extension against the SBI v2.0 specification, through the dispatcher as a guest ECALL reaches it.
import { TLB_KIND_LOAD, TLB_REGIME_S, tlbTableOffset } from '../src/memory/layout.js';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Bus } from '../src/bus/bus.js';
import { Hart } from '../src/cpu/hart.js';
import { GuestMemory } from '../src/memory/guest-memory.js';
import { SbiDispatcher } from '../src/sbi/dispatcher.js';
import { HART_STARTED, HART_STOPPED, SBI_ERR_ALREADY_AVAILABLE, SBI_ERR_INVALID_PARAM, SBI_ERR_NOT_SUPPORTED, } from '../src/sbi/sbi.js';
const EID = {
    BASE: 0x10,
    TIME: 0x54494d45,
    IPI: 0x735049,
    RFENCE: 0x52464e43,
    HSM: 0x48534d,
    SRST: 0x53525354,
    DBCN: 0x4442434e,
    STA: 0x535441,
};
const RAM = 0x8000_0000;
class FakePlatform {
    mem;
    harts = [];
    state;
    written = [];
    input = [];
    resets = [];
    started = [];
    suspended = [];
    constructor(n, mem = new GuestMemory(1 << 20)) {
        this.mem = mem;
        const bus = new Bus();
        for (let i = 0; i < n; i++)
            this.harts.push(new Hart(i, mem, bus));
        this.state = this.harts.map((_, i) => (i === 0 ? HART_STARTED : HART_STOPPED));
    }
    hartStatus(id) {
        return this.state[id];
    }
    startHart(id, aLo, aHi, oLo, oHi) {
        this.state[id] = HART_STARTED;
        const big = (lo, hi) => (BigInt(hi >>> 0) << 32n) | BigInt(lo >>> 0);
        this.started.push({ id, addr: big(aLo, aHi), opaque: big(oLo, oHi) });
    }
    stopHart(id) {
        this.state[id] = HART_STOPPED;
    }
    suspendHart(id) {
        this.suspended.push(id);
    }
    consoleWrite(bytes) {
        this.written.push(...bytes);
    }
    consoleRead(max) {
        return Uint8Array.from(this.input.splice(0, max));
    }
    systemReset(type, reason) {
        this.resets.push([type, reason]);
    }
    stealTimeNs() {
        return 123_000;
    }
}
/** Performs an ECALL's worth of hypercall on hart `h`: a7 = eid, a6 = fid, a0.. = args; returns [error, value]. */
function call(sbi, h, eid, fid, ...args) {
    h.setPc(0x80200000n);
    h.setX(17, BigInt(eid));
    h.setX(16, BigInt(fid));
    for (let i = 0; i < 6; i++)
        h.setX(10 + i, args[i] ?? 0n);
    sbi.handle(h);
    assert.equal(h.getPc(), 0x80200004n, 'the hypervisor steps past the ECALL');
    return [BigInt.asIntN(64, h.getX(10)), h.getX(11)];
}
function setup(n = 2) {
    const p = new FakePlatform(n);
    return { p, sbi: new SbiDispatcher(p), h: p.harts[0] };
}
test('BASE: spec version 2.0, implementation id/version, probe finds exactly the implemented extensions', () => {
    const { sbi, h } = setup();
    assert.deepEqual(call(sbi, h, EID.BASE, 0), [0n, 2n << 24n]);
    const [e1, impl] = call(sbi, h, EID.BASE, 1);
    assert.equal(e1, 0n);
    assert.ok(impl > 0n);
    for (const eid of Object.values(EID))
        assert.deepEqual(call(sbi, h, EID.BASE, 3, BigInt(eid)), [0n, 1n], `probe 0x${eid.toString(16)}`);
    assert.deepEqual(call(sbi, h, EID.BASE, 3, 0x504d55n /* PMU */), [0n, 0n]);
    assert.deepEqual(call(sbi, h, EID.BASE, 3, 0x100000010n), [0n, 0n], 'EIDs are 32-bit: high bits do not alias');
    assert.equal(call(sbi, h, EID.BASE, 99)[0], BigInt(SBI_ERR_NOT_SUPPORTED));
});
test('an unknown extension answers SBI_ERR_NOT_SUPPORTED and the call is counted', () => {
    const { sbi, h } = setup();
    assert.equal(call(sbi, h, 0x0a000000, 0)[0], BigInt(SBI_ERR_NOT_SUPPORTED));
    assert.equal(sbi.counts.get('0xa000000.?'), 1);
});
test('TIME: set_timer programs the supervisor timer comparator and clears a pending STIP until the time comes', () => {
    const { sbi, h } = setup();
    let now = 1000;
    h.timeSource = () => now;
    h.menvcfgHi = 1 << 31;
    call(sbi, h, EID.TIME, 0, 500n);
    assert.ok(h.mip & (1 << 5), 'deadline in the past: STIP pending');
    call(sbi, h, EID.TIME, 0, 2000n);
    assert.equal(h.mip & (1 << 5), 0, 'a future deadline clears STIP');
    now = 2000;
    h.updateTimer();
    assert.ok(h.mip & (1 << 5), 'STIP rises at the deadline');
    call(sbi, h, EID.TIME, 0, 0xffffffffffffffffn);
    assert.equal(h.mip & (1 << 5), 0, 'all ones means never');
    assert.equal(sbi.counts.get('TIME.set_timer'), 3);
});
test('IPI: send_ipi sets SSIP on the masked harts; base -1 means all; a mask naming a missing hart is refused', () => {
    const { sbi, p, h } = setup(3);
    assert.deepEqual(call(sbi, h, EID.IPI, 0, 2n, 0n), [0n, 0n]);
    assert.deepEqual(p.harts.map((x) => (x.mip >> 1) & 1), [0, 1, 0]);
    assert.deepEqual(call(sbi, h, EID.IPI, 0, 1n, 2n), [0n, 0n]);
    assert.deepEqual(p.harts.map((x) => (x.mip >> 1) & 1), [0, 1, 1]);
    assert.deepEqual(call(sbi, h, EID.IPI, 0, 0n, 0xffffffffffffffffn), [0n, 0n]);
    assert.deepEqual(p.harts.map((x) => (x.mip >> 1) & 1), [1, 1, 1]);
    assert.equal(call(sbi, h, EID.IPI, 0, 8n, 0n)[0], BigInt(SBI_ERR_INVALID_PARAM));
});
test("RFENCE: remote sfence.vma drops the remote harts' translations; hypervisor fences are not supported", () => {
    const { sbi, p, h } = setup(2);
    const other = p.harts[1];
    // Plant a TLB entry in hart 1's S-mode load table and check the fence removes it.
    const tlb = other.mem.i32;
    const idx = (other.base + tlbTableOffset(TLB_REGIME_S, TLB_KIND_LOAD)) >> 2;
    other.fillTlb(TLB_REGIME_S, TLB_KIND_LOAD, 0, 0, other.mem.ramOffset);
    assert.equal(tlb[idx], 0, 'entry planted');
    assert.deepEqual(call(sbi, h, EID.RFENCE, 1, 2n, 0n, 0n, 0n), [0n, 0n]);
    assert.equal(tlb[idx], 1, 'entry invalidated');
    assert.deepEqual(call(sbi, h, EID.RFENCE, 0, 3n, 0n), [0n, 0n]);
    assert.equal(call(sbi, h, EID.RFENCE, 3, 1n, 0n)[0], BigInt(SBI_ERR_NOT_SUPPORTED));
    assert.equal(call(sbi, h, EID.RFENCE, 1, 4n, 0n)[0], BigInt(SBI_ERR_INVALID_PARAM));
});
test('HSM: start a stopped hart with address and opaque, refuse a started one, status, stop, retentive suspend', () => {
    const { sbi, p, h } = setup(2);
    assert.deepEqual(call(sbi, h, EID.HSM, 2, 1n), [0n, BigInt(HART_STOPPED)]);
    assert.deepEqual(call(sbi, h, EID.HSM, 0, 1n, 0x80200000n, 0xdeadbeefn), [0n, 0n]);
    assert.deepEqual(p.started, [{ id: 1, addr: 0x80200000n, opaque: 0xdeadbeefn }]);
    assert.deepEqual(call(sbi, h, EID.HSM, 2, 1n), [0n, BigInt(HART_STARTED)]);
    assert.equal(call(sbi, h, EID.HSM, 0, 1n, 0x80200000n, 0n)[0], BigInt(SBI_ERR_ALREADY_AVAILABLE));
    assert.equal(call(sbi, h, EID.HSM, 0, 7n, 0x80200000n, 0n)[0], BigInt(SBI_ERR_INVALID_PARAM));
    assert.equal(call(sbi, h, EID.HSM, 2, 7n)[0], BigInt(SBI_ERR_INVALID_PARAM));
    assert.deepEqual(call(sbi, p.harts[1], EID.HSM, 1), [0n, 0n]);
    assert.equal(p.state[1], HART_STOPPED);
    assert.deepEqual(call(sbi, h, EID.HSM, 3, 0n, 0n, 0n), [0n, 0n]);
    assert.deepEqual(p.suspended, [0]);
    assert.equal(call(sbi, h, EID.HSM, 3, 0x80000000n, 0n, 0n)[0], BigInt(SBI_ERR_NOT_SUPPORTED), 'non-retentive suspend is not offered');
});
test('SRST: shutdown, cold and warm reboot reach the platform; bad types and reasons are refused', () => {
    const { sbi, p, h } = setup();
    assert.deepEqual(call(sbi, h, EID.SRST, 0, 0n, 0n), [0n, 0n]);
    assert.deepEqual(call(sbi, h, EID.SRST, 0, 1n, 1n), [0n, 0n]);
    assert.deepEqual(call(sbi, h, EID.SRST, 0, 2n, 0n), [0n, 0n]);
    assert.deepEqual(p.resets, [
        [0, 0],
        [1, 1],
        [2, 0],
    ]);
    assert.equal(call(sbi, h, EID.SRST, 0, 3n, 0n)[0], BigInt(SBI_ERR_INVALID_PARAM));
    assert.equal(call(sbi, h, EID.SRST, 0, 0n, 2n)[0], BigInt(SBI_ERR_INVALID_PARAM));
    assert.equal(p.resets.length, 3);
});
test('DBCN: write and read by physical address, write_byte, and addresses outside RAM refused', () => {
    const { sbi, p, h } = setup();
    p.mem.writeBytes(RAM + 0x100, new TextEncoder().encode('hello'));
    assert.deepEqual(call(sbi, h, EID.DBCN, 0, 5n, BigInt(RAM + 0x100), 0n), [0n, 5n]);
    assert.equal(String.fromCharCode(...p.written), 'hello');
    assert.deepEqual(call(sbi, h, EID.DBCN, 2, 0x21n), [0n, 0n]);
    assert.equal(String.fromCharCode(...p.written), 'hello!');
    p.input.push(0x61, 0x62);
    assert.deepEqual(call(sbi, h, EID.DBCN, 1, 8n, BigInt(RAM + 0x200), 0n), [0n, 2n]);
    assert.deepEqual([...p.mem.readBytes(RAM + 0x200, 2)], [0x61, 0x62]);
    assert.equal(call(sbi, h, EID.DBCN, 0, 4n, 0x1000n, 0n)[0], BigInt(SBI_ERR_INVALID_PARAM));
    assert.equal(call(sbi, h, EID.DBCN, 0, 16n, BigInt(RAM + (1 << 20) - 8), 0n)[0], BigInt(SBI_ERR_INVALID_PARAM), 'a buffer running off the end of RAM');
    assert.equal(call(sbi, h, EID.DBCN, 0, 4n, BigInt(RAM), 1n)[0], BigInt(SBI_ERR_INVALID_PARAM), 'base_addr_hi selects memory above 4 GiB');
});
test('STA: steal-time record set up at a 64-byte aligned address, published with an even sequence; bad addresses refused', () => {
    const { sbi, p, h } = setup();
    const pa = RAM + 0x1000;
    assert.deepEqual(call(sbi, h, EID.STA, 0, BigInt(pa), 0n, 0n), [0n, 0n]);
    const dv = p.mem.dv, off = p.mem.ramHostOffset(pa, 64);
    assert.equal(dv.getUint32(off, true) % 2, 0, 'sequence even when not being written');
    assert.equal(dv.getBigUint64(off + 8, true), 123000n);
    assert.equal(call(sbi, h, EID.STA, 0, BigInt(pa + 8), 0n, 0n)[0], BigInt(SBI_ERR_INVALID_PARAM), 'misaligned');
    assert.equal(call(sbi, h, EID.STA, 0, BigInt(pa), 0n, 1n)[0], BigInt(SBI_ERR_INVALID_PARAM), 'flags must be zero');
    assert.equal(call(sbi, h, EID.STA, 0, 0x1000n, 0n, 0n)[0], -5n, 'outside RAM: SBI_ERR_INVALID_ADDRESS');
    assert.deepEqual(call(sbi, h, EID.STA, 0, 0xffffffffffffffffn, 0xffffffffffffffffn, 0n), [0n, 0n], 'all ones disables');
});
test('legacy v0.1: putchar, getchar (-1 when empty), set_timer, clear_ipi, shutdown', () => {
    const { sbi, p, h } = setup();
    const legacy = (eid, ...args) => call(sbi, h, eid, 0, ...args)[0];
    assert.equal(legacy(1, 0x41n), 0n);
    assert.equal(String.fromCharCode(...p.written), 'A');
    assert.equal(legacy(2), -1n);
    p.input.push(0x7a);
    assert.equal(legacy(2), 0x7an);
    h.setPending(1, true);
    legacy(3);
    assert.equal(h.mip & 2, 0);
    legacy(8);
    assert.deepEqual(p.resets, [[0, 0]]);
});
//# sourceMappingURL=sbi-extensions.test.js.map