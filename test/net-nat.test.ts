// NAT's TCP engine without a guest: a scripted guest TCP end against a real host socket; its send queue against a plain byte array.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { createServer, type AddressInfo, type Socket } from 'node:net';
import fc from 'fast-check';
import { ByteQueue, Nat } from '../src/net/nat.js';
import {
  buildIpv4,
  buildTcp,
  IPPROTO_TCP,
  parseIp,
  parseIpv4,
  parseTcp,
  TCP_ACK,
  TCP_FIN,
  TCP_SYN,
} from '../src/net/packet.js';

test('the send queue gives back the bytes pushed, in order, however they are taken and dropped', () => {
  fc.assert(
    fc.property(
      fc.array(
        fc.oneof(
          fc.record({ push: fc.uint8Array({ maxLength: 3000 }) }),
          fc.record({ take: fc.nat(5000) }),
          fc.record({ peek: fc.nat(5000) }),
          fc.record({ drop: fc.nat(5000) }),
        ),
        { maxLength: 200 },
      ),
      (ops) => {
        const q = new ByteQueue();
        let model = Buffer.alloc(0);
        for (const op of ops) {
          if ('push' in op) {
            q.push(Buffer.from(op.push));
            model = Buffer.concat([model, op.push]);
          } else if ('take' in op) {
            assert.deepEqual(q.take(op.take), model.subarray(0, op.take));
            model = model.subarray(Math.min(op.take, model.length));
          } else if ('peek' in op) assert.deepEqual(q.peek(op.peek), model.subarray(0, op.peek));
          else {
            q.drop(op.drop);
            model = model.subarray(Math.min(op.drop, model.length));
          }
          assert.equal(q.length, model.length);
        }
      },
    ),
  );
});

test('a guest connection through NAT carries 4 MiB from the host and 1 MiB to it, acknowledged in windows', async () => {
  const down = randomBytes(4 << 20);
  const up = randomBytes(1 << 20);
  let hostGot: Promise<Buffer> | undefined;
  const server = createServer((s: Socket) => {
    hostGot = new Promise((done) => {
      const parts: Buffer[] = [];
      s.on('data', (d: Buffer) => parts.push(d));
      s.on('end', () => done(Buffer.concat(parts)));
    });
    s.end(down);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as AddressInfo).port;
  const gw = parseIp('10.0.10.1')!;
  const me = parseIp('10.0.10.20')!;
  const gwMac = Uint8Array.of(2, 0, 0, 0, 0, 1);
  const myMac = Uint8Array.of(2, 0, 0, 0, 0, 20);
  const got: Buffer[] = [];
  let gotBytes = 0;
  let rcvNxt = 0;
  let sndNxt = 1000;
  let finished: () => void;
  const closed = new Promise<void>((r) => (finished = r));
  let synAcked: () => void;
  const established = new Promise<void>((r) => (synAcked = r));
  let peerAck = 0;
  let unackedSegments = 0;
  const send = (flags: number, data?: Uint8Array, seq = sndNxt) => {
    const seg = buildTcp(me, gw, { srcPort: 40000, dstPort: port, seq, ack: rcvNxt, flags, window: 65535 }, data);
    nat.handle(parseIpv4(buildIpv4(gwMac, myMac, me, gw, IPPROTO_TCP, seg))!, myMac);
  };
  const nat: Nat = new Nat({
    gatewayIp: gw,
    gatewayMac: gwMac,
    scope: 'host',
    log: () => undefined,
    // As the switch does: the gateway's frames reach the guest on a later turn.
    output: (frame) =>
      queueMicrotask(() => {
        const t = parseTcp(parseIpv4(frame)!.payload)!;
        if (process.env.NAT_DEBUG) console.log(t.flags, t.seq, t.ack, t.data.length, t.window);
        if (t.flags & TCP_SYN) {
          rcvNxt = (t.seq + 1) >>> 0;
          sndNxt++;
          peerAck = t.ack;
          send(TCP_ACK);
          return synAcked();
        }
        if (t.flags & TCP_ACK) peerAck = t.ack;
        if (t.data.length && t.seq === rcvNxt) {
          got.push(Buffer.from(t.data));
          gotBytes += t.data.length;
          rcvNxt = (rcvNxt + t.data.length) >>> 0;
          // Acknowledge every fourth segment, as a guest's delayed ACKs would; a window is never filled by one.
          if (++unackedSegments % 4 === 0) send(TCP_ACK);
          else setTimeout(() => send(TCP_ACK), 5);
        }
        if (t.flags & TCP_FIN && (t.seq + t.data.length) >>> 0 === rcvNxt) {
          rcvNxt = (rcvNxt + 1) >>> 0;
          send(TCP_ACK);
          finished();
        }
      }),
  });
  try {
    send(TCP_SYN);
    await established;
    // The guest's data, MSS-sized, each sent once the gateway's window admits it.
    for (let off = 0; off < up.length;) {
      const inFlight = (sndNxt - peerAck) >>> 0;
      if (inFlight > 32 * 1024) {
        await new Promise((r) => setImmediate(r));
        continue;
      }
      const chunk = up.subarray(off, off + 1460);
      send(TCP_ACK, chunk);
      sndNxt += chunk.length;
      off += chunk.length;
    }
    await closed;
    send(TCP_FIN | TCP_ACK);
    sndNxt++;
    assert.equal(gotBytes, down.length);
    const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');
    assert.equal(sha(Buffer.concat(got)), sha(down), 'the guest received other bytes than the host sent');
    assert.ok(hostGot);
    const hg = await hostGot;
    assert.equal(hg.length, up.length, 'host length');
    assert.equal(sha(hg), sha(up), 'the host received other bytes than the guest sent');
  } finally {
    nat.close();
    server.close();
  }
});
