// Debian guests on a named network, for the network tests: a managed VM's console, its DHCP address, ping's verdict.
import assert from 'node:assert/strict';
import type { ChildProcessWithoutNullStreams } from 'node:child_process';
import { EventEmitter } from 'node:events';
import { PassThrough } from 'node:stream';
import type { Manager } from '../../src/manager/client.js';
import { GuestConsole } from './guest-console.js';

/** A managed VM's console socket, driven like a child process's stdio. */
export async function managedConsole(m: Manager, name: string): Promise<GuestConsole> {
  const s = await m.console(name);
  const child = Object.assign(new EventEmitter(), { stdout: s, stdin: s, stderr: new PassThrough() });
  s.on('close', () => child.emit('exit', null));
  const con = new GuestConsole(child as unknown as ChildProcessWithoutNullStreams);
  // The prompt again, should the console have attached after the guest printed it.
  s.write('\n');
  return con;
}

/** Waits for the shell, then for DHCP to have given eth0 an address; returns it. */
export async function dhcpAddress(con: GuestConsole, host: string): Promise<string> {
  await con.waitFor(new RegExp(`root@${host}:[^#]*# `), `${host}'s shell prompt`);
  for (;;) {
    const out = await con.run('ip -o -4 addr show dev eth0');
    const m = /inet (\d+\.\d+\.\d+\.\d+)\/24/.exec(out);
    if (m) return m[1];
    await new Promise((r) => setTimeout(r, 1000));
  }
}

export function pingOk(out: string, count: number): void {
  assert.doesNotMatch(out, /bad address|unknown host/i, out);
  assert.match(out, /^rc=0$/m, out);
  assert.match(out, new RegExp(`${count} packets transmitted, [1-${count}] packets received`), out);
}
