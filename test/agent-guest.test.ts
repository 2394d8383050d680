// The guest agent with the default Debian guest (busybox initramfs running Debian's qemu-guest-agent on a named
// virtio-console port): exec with output and exit status, info with the guest's OS, name and DHCP address, the guest
// clock set after a suspend, stop through the agent; and a guest without an agent gives the clear message.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { findCachedDebian, pullDebian } from '../src/images/debian.js';
import { AGENT_SHUTDOWN_MESSAGE } from '../src/images/initramfs.js';
import { controlRequest } from '../src/manager/control-client.js';
import { ManagerHome } from './harness/manager-cli.js';

/** Bounds a hang on a slow shared machine; not a timing assertion. */
const WAIT_MS = 15 * 60_000;
/** How long the guest stays suspended: 30 s in CI; TYPEVISOR_SUSPEND_SECONDS=60 for the minute. */
const SUSPEND_S = Number(process.env['TYPEVISOR_SUSPEND_SECONDS'] ?? 30);

/** Runs `exec` until the agent answers (it starts a moment after the shell prompt). */
async function execWhenReady(h: ManagerHome, name: string, ...argv: string[]) {
  const deadline = Date.now() + WAIT_MS;
  for (;;) {
    const r = await h.tv('exec', name, '--', ...argv);
    if (!/no guest agent is running/.test(r.stderr) || Date.now() > deadline) return r;
    await sleep(500);
  }
}

test(
  'Debian guest agent: exec, info, the clock after a suspend, stop through the agent',
  { timeout: 40 * 60_000 },
  async () => {
    if (!(await findCachedDebian())) await pullDebian({ log: (l) => process.stderr.write(`${l}\n`) });
    const h = new ManagerHome('tv-agent-');
    try {
      for (const args of [
        ['net', 'create', 'agentnet', '--subnet', '10.0.77.0/24', '--internal'],
        ['create', 'ag', '-m', '256M', '--network', 'agentnet', '--ip', '10.0.77.40'],
      ]) {
        const r = await h.tv(...args);
        assert.equal(r.code, 0, `${args.join(' ')}: ${r.stderr}`);
      }
      let r = await h.tv('start', 'ag');
      assert.equal(r.code, 0, r.stderr);
      await h.waitForLog('ag', /root@ag:[^#]*# /);

      // Output, error output and the exit status of a command in the guest.
      r = await execWhenReady(h, 'ag', 'sh', '-c', 'echo out-$((6 * 7)); echo err >&2; exit 7');
      assert.equal(r.code, 7, r.stderr);
      assert.equal(r.stdout, 'out-42\n');
      assert.equal(r.stderr, 'err\n');
      // Port 1 of the console carries the agent's name; /init linked it where qemu-ga looks.
      r = await h.tv(
        'exec',
        'ag',
        '--',
        'sh',
        '-c',
        'for p in /sys/class/virtio-ports/vport*p1; do echo ${p##*/} $(cat $p/name); done',
      );
      const [vport, portName] = r.stdout.trim().split(' ');
      assert.equal(portName, 'org.qemu.guest_agent.0', r.stdout);
      r = await h.tv('exec', 'ag', '--', 'readlink', '/dev/virtio-ports/org.qemu.guest_agent.0');
      assert.equal(r.stdout.trim(), `../${vport}`);
      r = await h.tv('exec', 'ag', '--', '/no/such/program');
      assert.equal(r.code, 126, r.stderr);

      // info: the OS, the host name and the address DHCP gave.
      await h.waitForLog('ag', /typevisor: DHCP eth0 10\.0\.77\.40/);
      r = await h.tv('info', 'ag');
      assert.equal(r.code, 0, r.stderr);
      assert.match(r.stdout, /guest OS\s+Debian GNU\/Linux trixie/);
      assert.match(r.stdout, /guest hostname\s+ag$/m);
      assert.match(r.stdout, /guest eth0\s+52:54:[0-9a-f:]+ 10\.0\.77\.40\/24/);

      // With MULTIPORT the console's size travels as a RESIZE control message.
      const control = /control socket\s+(\S+)/.exec(r.stdout)![1];
      await controlRequest(control, { action: 'console-size', cols: 123, rows: 45 });
      let size = '';
      for (let i = 0; i < 60 && size !== '45 123'; i++) {
        size = (await h.tv('exec', 'ag', '--', 'stty', '-F', '/dev/hvc0', 'size')).stdout.trim();
        if (size !== '45 123') await sleep(500);
      }
      assert.equal(size, '45 123');

      // The guest's clock stands still while suspended; the agent sets it on resume.
      r = await h.tv('suspend', 'ag');
      assert.equal(r.code, 0, r.stderr);
      await sleep(SUSPEND_S * 1000);
      r = await h.tv('start', 'ag');
      assert.equal(r.code, 0, r.stderr);
      let skew = Infinity;
      for (let i = 0; i < 60 && skew > 5; i++) {
        const before = Date.now() / 1000;
        const d = await h.tv('exec', 'ag', '--', 'date', '+%s');
        const after = Date.now() / 1000;
        if (d.code === 0) skew = Math.max(0, Number(d.stdout) - after, before - Number(d.stdout));
        if (skew > 5) await sleep(1000);
      }
      assert.ok(skew <= 5, `the guest clock is ${skew} s off the host's after the resume`);

      // stop goes through the agent: the guest's own shutdown runs.
      const from = h.consoleLog('ag').length;
      r = await h.tv('stop', 'ag', '--timeout', '120');
      assert.equal(r.code, 0, r.stderr);
      assert.match(r.stderr, /ag stopped: the guest powered off/);
      assert.match(h.consoleLog('ag').slice(from), new RegExp(AGENT_SHUTDOWN_MESSAGE));

      // Without an agent (the VM boots with its agent stopped): exec says so at once.
      assert.equal((await h.tv('start', 'ag')).code, 0);
      await h.waitForLog('ag', /root@ag:[^#]*# /, h.consoleLog('ag').length);
      assert.equal((await execWhenReady(h, 'ag', 'true')).code, 0);
      const con = h.spawn('console', 'ag', '--settle', '0.5');
      con.stdin.end('killall qemu-ga; echo agent-gone\n');
      await new Promise((done) => con.on('exit', done));
      await h.waitForLog('ag', /\nagent-gone/);
      r = await h.tv('exec', 'ag', '--', 'true');
      assert.equal(r.code, 125);
      assert.match(
        r.stderr,
        /no guest agent is running in ag: the guest has not opened the port org\.qemu\.guest_agent\.0/,
      );
      r = await h.tv('info', 'ag');
      assert.match(r.stdout, /guest agent\s+no guest agent is running/);
      // stop falls back to the power key.
      r = await h.tv('stop', 'ag', '--timeout', '120');
      assert.equal(r.code, 0, r.stderr);
      assert.match(r.stderr, /ag stopped: the guest powered off/);
    } finally {
      await h.tv('kill', 'ag');
      await h.tv('net', 'delete', 'agentnet');
      h.cleanup();
    }
  },
);
