// Property tests: random and malformed descriptor chains, ring contents and register writes against every virtio device.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { F_EVENT_IDX, F_INDIRECT_DESC, F_VERSION_1, REG_QUEUE_NOTIFY, STATUS_DEVICE_NEEDS_RESET, STATUS_DRIVER_OK, } from '../src/devices/virtio/constants.js';
import { VirtioBlk } from '../src/devices/virtio/blk.js';
import { VirtioNet } from '../src/devices/virtio/net.js';
import { VirtioConsole } from '../src/devices/virtio/console.js';
import { VirtioRng } from '../src/devices/virtio/rng.js';
import { VirtioInput } from '../src/devices/virtio/input.js';
import { benchFor } from '../src/devices/virtio/mock-driver.js';
import { createLink } from '../src/net/link.js';
const RAM = 64 * 1024;
const BASE = 0x8000_0000;
const CANARY = 0xa5;
const QSIZE = 8;
function memDisk(size) {
    const data = new Uint8Array(size);
    return {
        size,
        readOnly: false,
        read: (o, b) => {
            if (o + b.length > size)
                throw new RangeError('beyond');
            b.set(data.subarray(o, o + b.length));
        },
        write: (o, d) => {
            if (o + d.length > size)
                throw new RangeError('beyond');
            data.set(d, o);
        },
        flush: () => undefined,
        discard: () => undefined,
    };
}
const rigs = {
    blk: () => ({ device: new VirtioBlk(memDisk(8192), { queueSize: QSIZE }) }),
    net: () => {
        const [host, guest] = createLink();
        return { device: new VirtioNet(guest, { mac: [2, 0, 0, 0, 0, 9], queueSize: QSIZE }), poke: (b) => host.send(b) };
    },
    console: () => {
        const dev = new VirtioConsole({ write: () => undefined }, { queueSize: QSIZE, size: { cols: 80, rows: 24 } });
        return { device: dev, poke: (b) => void dev.receive(b) };
    },
    rng: () => ({ device: new VirtioRng(undefined, QSIZE) }),
    input: () => {
        const dev = new VirtioInput({ queueSize: QSIZE });
        return { device: dev, poke: () => void dev.pressPowerButton() };
    },
};
// Addresses that matter: inside RAM, at its edges, just outside, far outside, beyond 2^53.
const addr = fc.oneof(fc.integer({ min: 0, max: RAM - 1 }).map((o) => BASE + o), fc.constantFrom(BASE - 16, BASE - 1, BASE + RAM - 16, BASE + RAM - 1, BASE + RAM, 0, 0x1000_1000, 2 ** 40, 2 ** 63, 2 ** 64 - 16));
const len = fc.oneof(fc.integer({ min: 0, max: 600 }), fc.constantFrom(16, 32, 48, 1, RAM, RAM + 1, 0xffff_ffff, 2 ** 31));
const descIndex = fc.oneof(fc.integer({ min: 0, max: QSIZE - 1 }), fc.integer({ min: 0, max: 0xffff }));
const action = fc.oneof({
    weight: 6,
    arbitrary: fc.record({
        k: fc.constant('desc'),
        q: fc.integer({ min: 0, max: 1 }),
        i: fc.integer({ min: 0, max: QSIZE - 1 }),
        addr,
        len,
        flags: fc.integer({ min: 0, max: 7 }),
        next: descIndex,
    }),
}, {
    weight: 4,
    arbitrary: fc.record({ k: fc.constant('publish'), q: fc.integer({ min: 0, max: 1 }), head: descIndex }),
}, {
    weight: 1,
    arbitrary: fc.record({
        k: fc.constant('availIdx'),
        q: fc.integer({ min: 0, max: 1 }),
        idx: fc.integer({ min: 0, max: 0xffff }),
    }),
}, {
    weight: 2,
    arbitrary: fc.record({ k: fc.constant('poke'), bytes: fc.uint8Array({ minLength: 0, maxLength: 80 }) }),
}, {
    weight: 2,
    arbitrary: fc.record({
        k: fc.constant('scribble'),
        off: fc.integer({ min: 0, max: RAM - 64 }),
        bytes: fc.uint8Array({ minLength: 1, maxLength: 64 }),
    }),
}, { weight: 5, arbitrary: fc.record({ k: fc.constant('kick'), q: fc.integer({ min: 0, max: 3 }) }) }, {
    weight: 1,
    arbitrary: fc.record({
        k: fc.constant('reg'),
        off: fc.integer({ min: 0, max: 0x110 / 4 }).map((x) => x * 4),
        value: fc.oneof(fc.integer({ min: 0, max: 16 }), fc.integer({ min: 0, max: 0xffff_ffff })),
    }),
});
function setupRig(name, features) {
    const rig = rigs[name]();
    const b = benchFor(rig.device, RAM);
    b.drv.negotiate(F_VERSION_1 | features | rig.device.features);
    const queues = rig.device.queueMaxSizes.map((_, i) => b.drv.setupQueue(i, QSIZE));
    b.drv.driverOk();
    // Everything in the WebAssembly memory that is not guest RAM gets a canary the devices must never touch.
    const { u8, ramOffset, ramSize } = b.mem;
    u8.fill(CANARY, 0, ramOffset);
    u8.fill(CANARY, ramOffset + ramSize);
    return { ...b, rig, queues };
}
function canaryIntact(u8, ramOffset, ramSize) {
    for (let i = 0; i < ramOffset; i++)
        if (u8[i] !== CANARY)
            return false;
    for (let i = ramOffset + ramSize; i < u8.length; i++)
        if (u8[i] !== CANARY)
            return false;
    return true;
}
const featureSets = fc.constantFrom(0n, F_INDIRECT_DESC, F_EVENT_IDX, F_INDIRECT_DESC | F_EVENT_IDX);
for (const name of Object.keys(rigs)) {
    test(`${name}: random queue contents and register writes never throw, hang or touch memory outside RAM`, () => {
        fc.assert(fc.property(featureSets, fc.array(action, { minLength: 1, maxLength: 40 }), (features, actions) => {
            const { drv, mem, rig, queues } = setupRig(name, features);
            for (const a of actions) {
                const q = queues[a.q ?? 0] ?? queues[0];
                switch (a.k) {
                    case 'desc':
                        q.writeDesc(a.i, a.addr, a.len, a.flags, a.next);
                        break;
                    case 'publish':
                        q.publish(a.head);
                        break;
                    case 'availIdx':
                        q.setAvailIdx(a.idx);
                        break;
                    case 'poke':
                        rig.poke?.(a.bytes);
                        break;
                    case 'scribble':
                        mem.writeBytes(BASE + a.off, a.bytes);
                        break;
                    case 'kick':
                        drv.setReg(REG_QUEUE_NOTIFY, a.q);
                        break;
                    case 'reg':
                        drv.setReg(a.off, a.value);
                        break;
                }
            }
            return canaryIntact(mem.u8, mem.ramOffset, mem.ramSize);
        }), { numRuns: 150 });
    });
    test(`${name}: one arbitrary published chain is either completed or answered with DEVICE_NEEDS_RESET`, () => {
        const desc = fc.record({ addr, len, flags: fc.integer({ min: 0, max: 7 }), next: descIndex });
        fc.assert(fc.property(featureSets, fc.array(desc, { minLength: QSIZE, maxLength: QSIZE }), descIndex, fc.integer({ min: 0, max: 1 }), (features, descs, head, qi) => {
            const { drv, mem, queues, rig } = setupRig(name, features);
            const q = queues[qi] ?? queues[0];
            descs.forEach((d, i) => q.writeDesc(i, d.addr, d.len, d.flags, d.next));
            q.publish(head);
            q.kick();
            if (name === 'net' && qi === 0)
                rig.poke?.(Uint8Array.of(1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14));
            if ((name === 'console' || name === 'input') && qi === 0)
                rig.poke?.(Uint8Array.of(65));
            const broken = (drv.status() & STATUS_DEVICE_NEEDS_RESET) !== 0;
            const used = q.usedIdx();
            assert.ok(canaryIntact(mem.u8, mem.ramOffset, mem.ramSize));
            assert.equal(drv.status() & STATUS_DRIVER_OK, STATUS_DRIVER_OK);
            // A receive buffer too small for the frame may legitimately stay with the device.
            const mayWait = name === 'net' && qi === 0;
            // A device-writable buffer over the queue's own rings lets the device complete the request and then find the
            // rings scribbled over: completing and then asking for a reset are both right there.
            const rings = queues.flatMap((r) => [
                [r.descPa, 16 * QSIZE],
                [r.availPa, 6 + 2 * QSIZE],
                [r.usedPa, 6 + 8 * QSIZE],
            ]);
            const chain = [];
            for (let i = head, n = 0; n < QSIZE && i < QSIZE; n++) {
                chain.push(descs[i]);
                if ((descs[i].flags & 1) === 0)
                    break;
                i = descs[i].next;
            }
            const clobbersRings = chain.some((d) => (d.flags & 2) !== 0 && rings.some(([a, n]) => d.addr < a + n && a < d.addr + d.len));
            if (clobbersRings) {
                if (!mayWait)
                    assert.ok(broken || used === 1, `broken=${broken} used=${used}`);
            }
            else if (!mayWait)
                assert.ok(broken !== (used === 1), `broken=${broken} used=${used}`);
            else
                assert.ok(!(broken && used === 1));
        }), { numRuns: 300 });
    });
}
//# sourceMappingURL=virtio-fuzz.test.js.map