// The firewall and capture with two Debian VMs in one boot: deny and reject between them while other traffic goes
// on, replies of allowed flows pass, counters count; the capture file of the CLI is read by tshark.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { Manager } from '../src/manager/client.js';
import { listRules, networkPaths, switchStatus } from '../src/manager/networks.js';
import { findCachedDebian, pullDebian } from '../src/images/debian.js';
import type { GuestConsole } from './harness/guest-console.js';
import { BIN, ManagerHome } from './harness/manager-cli.js';
import { dhcpAddress, managedConsole, pingOk } from './harness/net-guests.js';
import { until } from './harness/raw-port.js';
import { tsharkFields } from './harness/tshark.js';

test(
  'two Debian VMs behind firewall rules: ping and TCP denied one way, rejected on one port, allowed replies pass, the gateway still answers; counters and a tshark-read capture show it',
  { timeout: 20 * 60_000 },
  async (t) => {
    // The VMs boot the default image: it must be cached.
    if (!(await findCachedDebian())) await pullDebian({ log: (l) => t.diagnostic(l) });
    const home = new ManagerHome('tv-fwvm-');
    const m = new Manager(home.dir);
    const cons: Record<string, GuestConsole> = {};
    const file = join(home.dir, 'lab.pcapng');
    let capture: ReturnType<typeof spawn> | undefined;
    try {
      for (const args of [
        ['net', 'create', 'lab', '--subnet', '10.0.10.0/24'],
        ['net', 'rule', 'add', 'lab', 'deny', 'icmp', 'from', 'vm1', 'to', 'vm2'],
        ['net', 'rule', 'add', 'lab', 'reject', 'tcp', 'from', 'vm1', 'to', 'vm2', 'port', '8081'],
        ['net', 'rule', 'add', 'lab', 'deny', 'tcp', 'from', 'vm2', 'to', 'vm1'],
        ['create', 'vm1', '-m', '256M', '--network', 'lab', '--ip', '10.0.10.21'],
        ['create', 'vm2', '-m', '256M', '--network', 'lab', '--ip', '10.0.10.22'],
      ]) {
        const r = await home.tv(...args);
        assert.equal(r.code, 0, `${args.join(' ')}: ${r.stderr}`);
      }
      for (const vm of ['vm1', 'vm2']) {
        const r = await home.tv('start', vm);
        assert.equal(r.code, 0, r.stderr);
        cons[vm] = await managedConsole(m, vm);
      }
      assert.equal(await dhcpAddress(cons.vm1, 'vm1'), '10.0.10.21');
      assert.equal(await dhcpAddress(cons.vm2, 'vm2'), '10.0.10.22');

      // The capture runs beside the traffic, as a user would run it, and ends on Ctrl-C (SIGINT).
      capture = spawn(process.execPath, [BIN, 'net', 'capture', 'lab', '-w', file], { env: home.env() });
      let capErr = '';
      capture.stderr!.on('data', (d: Buffer) => (capErr += d.toString()));
      const paths = networkPaths(home.dir, 'lab');
      await until(async () => (await switchStatus(paths))?.stats.captures === 1);

      // vm1 -> vm2 ping is denied; vm2 -> vm1 ping passes (vm1's echo replies are the tracked flow's replies).
      const denied = await cons.vm1.run('ping -c 2 -w 3 vm2; echo rc=$?');
      assert.match(denied, /2 packets transmitted, 0 packets received/, denied);
      pingOk(await cons.vm2.run('ping -c 2 -W 20 vm1; echo rc=$?'), 2);
      // Others go on: vm1 still reaches the gateway.
      pingOk(await cons.vm1.run('ping -c 1 -W 20 10.0.10.1; echo rc=$?'), 1);

      // TCP: vm1 fetches from vm2 on 8080 (vm2's answers pass, though vm2 may not open TCP to vm1); 8081 is rejected.
      const served = await cons.vm2.run(
        'mkdir -p /tmp/www && echo from-vm2 > /tmp/www/f && httpd -p 8080 -h /tmp/www && httpd -p 8081 -h /tmp/www; echo rc=$?',
      );
      assert.match(served, /^rc=0$/m, served);
      const ok = await cons.vm1.run('wget -q -O - http://vm2:8080/f; echo rc=$?');
      assert.match(ok, /^from-vm2$/m, ok);
      const rejected = await cons.vm1.run('wget -q -T 20 -O - http://vm2:8081/f; echo rc=$?');
      assert.match(rejected, /refused/i, `a reject is a reset at once: ${rejected}`);
      await cons.vm1.run('mkdir -p /tmp/www && echo from-vm1 > /tmp/www/f && httpd -p 8080 -h /tmp/www; echo rc=$?');
      const dropped = await cons.vm2.run('wget -q -T 3 -O - http://vm1:8080/f; echo rc=$?');
      assert.match(dropped, /^rc=1$/m, dropped);
      assert.doesNotMatch(dropped, /from-vm1/, dropped);

      const l = await listRules(home.dir, 'lab');
      const hits = Object.fromEntries(l.rules.map((r) => [r.id, r.packets]));
      t.diagnostic(`hits ${JSON.stringify(hits)}, policy ${l.policyHits.packets}, tracked ${l.tracked}`);
      assert.ok(hits[1] >= 2, 'rule 1 counted the denied pings');
      assert.ok(hits[2] >= 1, 'rule 2 counted the rejected SYN');
      assert.ok(hits[3] >= 1, 'rule 3 counted the denied SYNs');
      const table = await home.tv('net', 'rule', 'list', 'lab');
      t.diagnostic(table.stdout);

      capture.kill('SIGINT');
      const code = await new Promise((r) => capture!.once('exit', r));
      assert.equal(code, 0, capErr);
      assert.match(capErr, /\d+ frames captured/);
      capture = undefined;

      // The oracle: tshark reads the file; the drops are the frames with the firewall's comment.
      const rows = tsharkFields(file, [
        'ip.src',
        'ip.dst',
        'icmp.type',
        'tcp.dstport',
        'tcp.flags.reset',
        'frame.comment',
      ]);
      t.diagnostic(`${rows.length} frames in the capture`);
      const [v1, v2] = ['10.0.10.21', '10.0.10.22'];
      const has = (what: string, pick: (r: string[]) => boolean) =>
        assert.ok(rows.some(pick), `${what} is not in the capture`);
      has(
        'a dropped echo request vm1 -> vm2',
        (r) => r[0] === v1 && r[1] === v2 && r[2] === '8' && /rule 1 \(deny\)/.test(r[5]),
      );
      has('a passed echo reply vm1 -> vm2', (r) => r[0] === v1 && r[1] === v2 && r[2] === '0' && r[5] === '');
      has('a dropped SYN vm2 -> vm1:8080', (r) => r[0] === v2 && r[1] === v1 && r[3] === '8080' && /rule 3/.test(r[5]));
      has(
        'the reject answer vm2 -> vm1',
        (r) => r[0] === v2 && r[1] === v1 && /^(1|True)$/.test(r[4]) && /sent by the firewall/.test(r[5]),
      );
      has('the passed request to vm2:8080', (r) => r[0] === v1 && r[1] === v2 && r[3] === '8080' && r[5] === '');
    } catch (e) {
      for (const [n, c] of Object.entries(cons)) t.diagnostic(`--- ${n} console ---\n${c.output.slice(-3000)}`);
      throw e;
    } finally {
      capture?.kill('SIGKILL');
      for (const vm of ['vm1', 'vm2']) await m.kill(vm).catch(() => undefined);
      home.cleanup();
    }
  },
);
