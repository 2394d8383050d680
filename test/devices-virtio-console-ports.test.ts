// virtio-console with named ports (MULTIPORT): the control handshake Linux's virtio_console driver performs, data on a
// named port in both directions, and a driver that misbehaves.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { F_VERSION_1 } from '../src/devices/virtio/constants.js';
import {
  CONSOLE_CONSOLE_PORT,
  CONSOLE_DEVICE_ADD,
  CONSOLE_DEVICE_READY,
  CONSOLE_PORT_NAME,
  CONSOLE_PORT_OPEN,
  CONSOLE_PORT_READY,
  CONSOLE_RESIZE,
  VIRTIO_CONSOLE_F_MULTIPORT,
  VIRTIO_CONSOLE_F_SIZE,
  VirtioConsole,
} from '../src/devices/virtio/console.js';
import { benchFor, type MockQueue } from '../src/devices/virtio/mock-driver.js';

const AGENT = 'org.qemu.guest_agent.0';

function control(id: number, event: number, value: number): Buffer {
  const b = Buffer.alloc(8);
  b.writeUInt32LE(id, 0);
  b.writeUInt16LE(event, 4);
  b.writeUInt16LE(value, 6);
  return b;
}

function bench(opts: { multiport?: boolean; size?: { cols: number; rows: number } } = {}) {
  const hvc: Uint8Array[] = [];
  const agentOut: Uint8Array[] = [];
  const opened: boolean[] = [];
  const dev = new VirtioConsole(
    { write: (d) => hvc.push(d) },
    {
      queueSize: 16,
      size: opts.size,
      ports: [{ name: AGENT, host: { write: (d) => agentOut.push(d), opened: (o) => opened.push(o) } }],
    },
  );
  const b = benchFor(dev);
  const want = F_VERSION_1 | VIRTIO_CONSOLE_F_SIZE | (opts.multiport === false ? 0n : VIRTIO_CONSOLE_F_MULTIPORT);
  const neg = b.drv.negotiate(want);
  assert.ok(neg.accepted);
  const queues: MockQueue[] = [];
  const count = opts.multiport === false ? 2 : 6;
  for (let i = 0; i < count; i++) queues.push(b.drv.setupQueue(i));
  b.drv.driverOk();
  const ctrlIn = queues[2];
  const ctrlOut = queues[3];
  /** Posts `n` control receive buffers as Linux does at probe. */
  const postControlBuffers = (n: number) => {
    for (let i = 0; i < n; i++) {
      const pa = b.drv.buffer(256);
      posted.set(ctrlIn.add([{ pa, len: 256, write: true }]), pa);
    }
    ctrlIn.kick();
  };
  /** Each posted control buffer by its descriptor head. */
  const posted = new Map<number, number>();
  /** Control messages the device wrote since the last call, in order. */
  const takeControl = () => {
    const used = ctrlIn.takeUsed();
    const out = used.map((u) => {
      const raw = Buffer.from(b.mem.readBytes(posted.get(u.id)!, u.len));
      return { id: raw.readUInt32LE(0), event: raw.readUInt16LE(4), value: raw.readUInt16LE(6), data: raw.subarray(8) };
    });
    // The driver posts each buffer again once it read the message, as Linux does.
    for (const u of used) {
      const pa = posted.get(u.id)!;
      posted.delete(u.id);
      posted.set(ctrlIn.add([{ pa, len: 256, write: true }]), pa);
    }
    return out;
  };
  const sendControl = (msg: Buffer) => {
    ctrlOut.add([{ pa: b.drv.buffer(msg.length, msg), len: msg.length, write: false }]);
    ctrlOut.kick();
    ctrlOut.takeUsed();
  };
  if (count > 2) postControlBuffers(8);
  return { ...b, dev, queues, neg, hvc, agentOut, opened, takeControl, sendControl, postControlBuffers };
}

test('named ports: MULTIPORT and max_nr_ports offered; a console without named ports offers neither', () => {
  const c = bench();
  assert.ok(c.neg.offered & VIRTIO_CONSOLE_F_MULTIPORT);
  assert.equal(c.drv.dev.read(0x104, 4), 2);
  assert.equal(c.dev.queueMaxSizes.length, 6);
  const plain = new VirtioConsole({ write: () => undefined });
  assert.equal(plain.features & VIRTIO_CONSOLE_F_MULTIPORT, 0n);
  assert.equal(plain.queueMaxSizes.length, 2);
  assert.throws(
    () => new VirtioConsole({ write: () => undefined }, { ports: [{ name: '../x', host: { write() {} } }] }),
  );
  assert.throws(
    () =>
      new VirtioConsole(
        { write: () => undefined },
        { ports: [AGENT, AGENT].map((name) => ({ name, host: { write() {} } })) },
      ),
  );
});

test('the control handshake: DEVICE_READY → DEVICE_ADD per port; PORT_READY → CONSOLE_PORT/RESIZE or PORT_NAME, then PORT_OPEN', () => {
  const c = bench({ size: { cols: 120, rows: 40 } });
  assert.deepEqual(c.takeControl(), []);
  c.sendControl(control(0xffffffff, CONSOLE_DEVICE_READY, 1));
  assert.deepEqual(
    c.takeControl().map((m) => [m.id, m.event, m.value]),
    [
      [0, CONSOLE_DEVICE_ADD, 1],
      [1, CONSOLE_DEVICE_ADD, 1],
    ],
  );
  c.sendControl(control(0, CONSOLE_PORT_READY, 1));
  const con = c.takeControl();
  assert.deepEqual(
    con.map((m) => [m.id, m.event]),
    [
      [0, CONSOLE_CONSOLE_PORT],
      [0, CONSOLE_RESIZE],
      [0, CONSOLE_PORT_OPEN],
    ],
  );
  // struct virtio_console_resize { le16 cols; le16 rows; } after the header.
  assert.equal(con[1].data.readUInt16LE(0), 120);
  assert.equal(con[1].data.readUInt16LE(2), 40);
  c.sendControl(control(1, CONSOLE_PORT_READY, 1));
  const named = c.takeControl();
  assert.deepEqual(
    named.map((m) => [m.id, m.event, m.value]),
    [
      [1, CONSOLE_PORT_NAME, 0],
      [1, CONSOLE_PORT_OPEN, 1],
    ],
  );
  assert.equal(named[0].data.toString(), AGENT);
  // A resize with MULTIPORT goes as a control message too.
  c.dev.setSize(80, 24);
  const resize = c.takeControl();
  assert.deepEqual(
    resize.map((m) => [m.id, m.event, m.data.readUInt16LE(0), m.data.readUInt16LE(2)]),
    [[0, CONSOLE_RESIZE, 80, 24]],
  );
});

test('a named port carries bytes both ways once the guest opened it; closing drops what was not read', () => {
  const c = bench();
  const port = c.dev.port(AGENT)!;
  assert.ok(port);
  assert.equal(c.dev.port('nope'), undefined);
  c.sendControl(control(0xffffffff, CONSOLE_DEVICE_READY, 1));
  c.sendControl(control(1, CONSOLE_PORT_READY, 1));
  // Not open in the guest: nothing is taken (Linux would drop it).
  assert.equal(port.send(Buffer.from('early')), 0);
  assert.equal(port.room(), 0);
  c.sendControl(control(1, CONSOLE_PORT_OPEN, 1));
  assert.deepEqual(c.opened, [true]);
  assert.equal(port.guestOpen, true);
  const rx = c.queues[4];
  const pa = c.drv.buffer(64);
  rx.add([{ pa, len: 64, write: true }]);
  rx.kick();
  const msg = Buffer.from('{"execute":"guest-ping"}\n');
  assert.equal(port.send(msg), msg.length);
  const used = rx.takeUsed();
  assert.deepEqual(
    used.map((u) => u.len),
    [msg.length],
  );
  assert.equal(Buffer.from(c.mem.readBytes(pa, msg.length)).toString(), msg.toString());
  const tx = c.queues[5];
  const reply = Buffer.from('{"return": {}}\n');
  tx.add([{ pa: c.drv.buffer(reply.length, reply), len: reply.length, write: false }]);
  tx.kick();
  assert.equal(Buffer.concat(c.agentOut).toString(), reply.toString());
  // hvc0 (port 0) is separate.
  assert.equal(c.hvc.length, 0);
  // Bytes queued while no receive buffer is posted are dropped when the guest closes the port.
  assert.equal(port.send(Buffer.from('pending')), 7);
  c.sendControl(control(1, CONSOLE_PORT_OPEN, 0));
  assert.deepEqual(c.opened, [true, false]);
  c.sendControl(control(1, CONSOLE_PORT_OPEN, 1));
  rx.add([{ pa, len: 64, write: true }]);
  rx.kick();
  assert.deepEqual(rx.takeUsed(), []);
  // A device reset closes the port for the host.
  c.drv.setReg(0x070, 0);
  assert.deepEqual(c.opened, [true, false, true, false]);
});

test('hostile driver: unknown ids and events, short messages, and no control buffers never grow the device', () => {
  const c = bench();
  c.sendControl(control(7, CONSOLE_PORT_READY, 1));
  c.sendControl(control(1, 999, 1));
  c.sendControl(Buffer.from([1, 2, 3]));
  c.sendControl(control(0xffffffff, CONSOLE_DEVICE_READY, 0));
  assert.deepEqual(c.takeControl(), []);
  // Thousands of requests for answers without buffers to carry them: the backlog stays bounded.
  for (let i = 0; i < 3000; i++) c.sendControl(control(1, CONSOLE_PORT_READY, 1));
  const state = c.dev.saveState();
  assert.ok(state.control!.length <= 256, `${state.control!.length} pending control messages`);
});

test('a driver without MULTIPORT: port 0 works as before and named ports stay closed', () => {
  const c = bench({ multiport: false });
  const tx = c.queues[1];
  tx.add([{ pa: c.drv.buffer(3, Buffer.from('hi\n')), len: 3, write: false }]);
  tx.kick();
  assert.equal(Buffer.concat(c.hvc).toString(), 'hi\n');
  assert.equal(c.dev.port(AGENT)!.send(Buffer.from('x')), 0);
});

test('snapshot: open ports, their pending bytes and pending control messages survive save and restore', () => {
  const c = bench();
  c.sendControl(control(0xffffffff, CONSOLE_DEVICE_READY, 1));
  c.sendControl(control(1, CONSOLE_PORT_OPEN, 1));
  c.dev.port(AGENT)!.send(Buffer.from('queued'));
  const saved = JSON.parse(JSON.stringify(c.dev.saveState())) as unknown;
  const opened: boolean[] = [];
  const fresh = new VirtioConsole(
    { write: () => undefined },
    { ports: [{ name: AGENT, host: { write: () => undefined, opened: (o) => opened.push(o) } }] },
  );
  fresh.restoreState(saved);
  assert.deepEqual(opened, [true]);
  assert.equal(fresh.port(AGENT)!.guestOpen, true);
  assert.deepEqual(fresh.saveState().ports, [{ name: AGENT, open: true, input: [...Buffer.from('queued')] }]);
});
