// virtio-net: two devices joined by the in-process link exchange frames through their guests' queues.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { F_VERSION_1, INT_USED_BUFFER } from '../src/devices/virtio/constants.js';
import { VirtioNet, VIRTIO_NET_F_MAC, VIRTIO_NET_F_STATUS } from '../src/devices/virtio/net.js';
import { benchFor } from '../src/devices/virtio/mock-driver.js';
import { createLink } from '../src/net/link.js';

const HDR = 12; // sizeof(struct virtio_net_hdr_v1) (§5.1.6)

function nic(backend: ReturnType<typeof createLink>[number], mac: number[], rxBacklog?: number) {
  const dev = new VirtioNet(backend, { mac, queueSize: 8, rxBacklog });
  const b = benchFor(dev);
  const neg = b.drv.negotiate(F_VERSION_1 | VIRTIO_NET_F_MAC | VIRTIO_NET_F_STATUS);
  assert.ok(neg.accepted);
  const rx = b.drv.setupQueue(0);
  const tx = b.drv.setupQueue(1);
  b.drv.driverOk();
  return { ...b, dev, rx, tx, neg };
}

function frame(dst: number[], src: number[], payload: string): Uint8Array {
  return Uint8Array.from([...dst, ...src, 0x08, 0x00, ...Buffer.from(payload)]);
}

test('config: MAC bytes and link up', () => {
  const [a] = createLink();
  const { drv, neg } = nic(a, [0x52, 0x54, 0, 0x12, 0x34, 0x56]);
  assert.ok(neg.offered & VIRTIO_NET_F_MAC);
  assert.deepEqual(
    [0, 1, 2, 3, 4, 5].map((i) => drv.dev.read(0x100 + i, 1)),
    [0x52, 0x54, 0, 0x12, 0x34, 0x56],
  );
  assert.equal(drv.dev.read(0x106, 2) & 1, 1, 'VIRTIO_NET_S_LINK_UP');
});

test("a frame sent by one guest arrives in the other's receive buffer behind a 12-byte header", () => {
  const [ea, eb] = createLink();
  const A = nic(ea, [2, 0, 0, 0, 0, 1]);
  const B = nic(eb, [2, 0, 0, 0, 0, 2]);
  const rxBuf = B.drv.buffer(HDR + 1514);
  B.rx.add([{ pa: rxBuf, len: HDR + 1514, write: true }]);
  B.rx.kick();
  const f = frame([2, 0, 0, 0, 0, 2], [2, 0, 0, 0, 0, 1], 'hello over the link');
  const hdr = A.drv.buffer(HDR, new Uint8Array(HDR));
  const body = A.drv.buffer(f.length, f);
  A.tx.add([
    { pa: hdr, len: HDR, write: false },
    { pa: body, len: f.length, write: false },
  ]);
  A.tx.kick();
  assert.equal(A.tx.takeUsed().length, 1);
  const used = B.rx.takeUsed();
  assert.deepEqual(used, [{ id: 0, len: HDR + f.length }]);
  const got = B.mem.readBytes(rxBuf, HDR + f.length);
  assert.deepEqual(got.subarray(HDR), f);
  assert.equal(got[0], 0, 'no checksum flags');
  assert.equal(Buffer.from(got).readUInt16LE(10), 1, 'num_buffers is 1 with VERSION_1');
  assert.equal(B.drv.ackInterrupt() & INT_USED_BUFFER, INT_USED_BUFFER);
  assert.equal(A.dev.stats.txFrames, 1);
  assert.equal(B.dev.stats.rxFrames, 1);
});

test('frames wait in a bounded backlog until the guest posts receive buffers', () => {
  const [ea, eb] = createLink();
  const B = nic(eb, [2, 0, 0, 0, 0, 2], 2);
  for (const p of ['one', 'two', 'three']) ea.send(frame([2, 0, 0, 0, 0, 2], [2, 0, 0, 0, 0, 1], p));
  assert.equal(B.dev.stats.rxDropped, 1, 'the oldest frame makes room');
  const bufs = [0, 1, 2].map(() => B.drv.buffer(HDR + 100));
  for (const pa of bufs) B.rx.add([{ pa, len: HDR + 100, write: true }]);
  B.rx.kick();
  const used = B.rx.takeUsed();
  assert.equal(used.length, 2);
  const payloads = used.map((u) => Buffer.from(B.mem.readBytes(bufs[u.id], u.len).subarray(HDR + 14)).toString());
  assert.deepEqual(payloads, ['two', 'three']);
});

test('a receive buffer too small for a frame is kept and the frame dropped', () => {
  const [ea, eb] = createLink();
  const B = nic(eb, [2, 0, 0, 0, 0, 2]);
  const small = B.drv.buffer(HDR + 10);
  B.rx.add([{ pa: small, len: HDR + 10, write: true }]);
  B.rx.kick();
  ea.send(frame([2, 0, 0, 0, 0, 2], [2, 0, 0, 0, 0, 1], 'this frame is longer than ten bytes'));
  assert.equal(B.rx.takeUsed().length, 0);
  assert.equal(B.dev.stats.rxDropped, 1);
  const tiny = Uint8Array.of(1, 2, 3, 4, 5, 6, 7, 8);
  ea.send(tiny);
  assert.deepEqual(B.rx.takeUsed(), [{ id: 0, len: HDR + 8 }]);
  assert.deepEqual(B.mem.readBytes(small + HDR, 8), tiny);
});

test('frames for a device the driver has not started are dropped; a TX chain without a frame is returned', () => {
  const [ea, eb] = createLink();
  const dev = new VirtioNet(eb, { mac: [2, 0, 0, 0, 0, 2] });
  ea.send(Uint8Array.of(1, 2, 3));
  assert.equal(dev.stats.rxDropped, 1);
  const A = nic(ea, [2, 0, 0, 0, 0, 1]);
  A.tx.add([{ pa: A.drv.buffer(4), len: 4, write: false }]);
  A.tx.kick();
  assert.equal(A.tx.takeUsed().length, 1);
  assert.equal(A.dev.stats.txDropped, 1);
});

test('flow control: a congested backend leaves frames in the transmit queue; a backlog asks the backend to pause', () => {
  const sent: Uint8Array[] = [];
  const receiving: boolean[] = [];
  let congested = true;
  let writable = () => undefined as void;
  let deliver = (_f: Uint8Array) => undefined as void;
  const backend = {
    send: (f: Uint8Array) => void sent.push(f),
    onReceive: (cb: (f: Uint8Array) => void) => void (deliver = cb),
    canSend: () => !congested,
    onWritable: (cb: () => void) => void (writable = cb),
    setReceiving: (on: boolean) => void receiving.push(on),
  };
  const A = nic(backend, [2, 0, 0, 0, 0, 1]);
  const f = frame([2, 0, 0, 0, 0, 2], [2, 0, 0, 0, 0, 1], 'waits for the link');
  const buf = A.drv.buffer(HDR + f.length, Uint8Array.from([...new Uint8Array(HDR), ...f]));
  A.tx.add([{ pa: buf, len: HDR + f.length, write: false }]);
  A.tx.kick();
  assert.equal(sent.length, 0, 'nothing sent while congested');
  assert.equal(A.tx.takeUsed().length, 0, 'the chain stays with the device');
  congested = false;
  writable();
  assert.deepEqual(sent, [f]);
  assert.equal(A.tx.takeUsed().length, 1);
  // No receive buffers: the backlog grows, and at 64 frames the backend is asked to stop.
  for (let i = 0; i < 70; i++) deliver(f);
  assert.deepEqual(receiving, [false]);
  for (let i = 0; i < 8; i++) A.rx.add([{ pa: A.drv.buffer(HDR + 1514), len: HDR + 1514, write: true }]);
  A.rx.kick();
  assert.equal(A.rx.takeUsed().length, 8);
  assert.deepEqual(receiving, [false], 'still 62 frames backlogged');
  for (let n = 0; n < 6; n++) {
    for (let i = 0; i < 8; i++) A.rx.add([{ pa: A.drv.buffer(HDR + 1514), len: HDR + 1514, write: true }]);
    A.rx.kick();
    A.rx.takeUsed();
  }
  assert.deepEqual(receiving, [false, true], 'the backlog drained below 16: go on');
});
