// The `receive` command's side of a live migration: listen, authenticate, take the definition, hand the connection on.
import { existsSync } from 'node:fs';
import { isAbsolute } from 'node:path';
import { createServer, type AddressInfo, type Socket } from 'node:net';
import { Manager, ManagerError } from '../manager/client.js';
import { checkDefinition, type Definition } from '../manager/definition.js';
import { listNetworkNames } from '../manager/networks.js';
import { observeState } from '../manager/runtime-state.js';
import { createFolder, existingVm, readDefinition, removeFolder } from '../manager/store.js';
import { MIGRATION_ENV } from './incoming.js';
import { MigrationError, Msg, parseTcpAddress, Wire } from './wire.js';

const HANDSHAKE_TIMEOUT_MS = 10_000;

export interface ReceiveOptions {
  /** The VM's name here; the source's when absent. */
  name?: string;
  /** tcp:HOST:PORT to listen on. */
  listen: string;
  token: string;
  /** Called once listening, with the address (the port chosen when 0 was asked). */
  onListening: (address: string) => void;
  log: (line: string) => void;
}

function timed<T>(p: Promise<T>, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([
    p,
    new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new MigrationError(`${what}: nothing within ${HANDSHAKE_TIMEOUT_MS / 1000} s`)),
        HANDSHAKE_TIMEOUT_MS,
      );
    }),
  ]).finally(() => clearTimeout(timer));
}

/** Checks that the arriving definition can run here; the definition under its name here, or a one-line refusal. */
function acceptDefinition(manager: Manager, payload: Buffer, name: string | undefined): Definition {
  let msg: { definition?: Record<string, unknown>; ramBytes?: unknown };
  try {
    msg = JSON.parse(payload.toString('utf8')) as typeof msg;
  } catch {
    throw new MigrationError('the definition does not parse');
  }
  if (typeof msg.definition !== 'object' || msg.definition === null) throw new MigrationError('no definition came');
  const def = checkDefinition({ ...msg.definition, name: name ?? msg.definition.name }, 'the migrated definition');
  if (def.memoryMiB * 1024 * 1024 !== msg.ramBytes)
    throw new MigrationError(
      `the definition says ${def.memoryMiB} MiB of RAM, the stream ${String(msg.ramBytes)} bytes`,
    );
  for (const d of def.disks)
    if (!isAbsolute(d.path) || !existsSync(d.path))
      throw new MigrationError(
        `the disk ${d.path} is not on this host: live migration needs its disks on a path both sides see`,
      );
  const networks = listNetworkNames(manager.home);
  for (const n of def.nics)
    if (n.mode === 'network' && !networks.includes(n.network!))
      throw new MigrationError(`this host has no network named "${n.network}" (typevisor net create ${n.network})`);
  return def;
}

/**
 * Receives one VM: listens until a source authenticates with the token and sends a definition that fits here (other
 * connections are refused with their reason, and listening goes on), creates the VM, and hands the connection to its
 * process, which receives the machine and starts it. Resolves with the VM's name once it runs here; a migration that
 * fails after the hand-off removes the VM again and rejects with the reason.
 */
export async function receiveVm(manager: Manager, o: ReceiveOptions): Promise<{ name: string; state: string }> {
  const { host, port } = parseTcpAddress(o.listen);
  const server = createServer();
  await new Promise<void>((resolve, reject) => {
    server.once('error', (e) => reject(new ManagerError('bad-input', `cannot listen on ${o.listen}: ${e.message}`)));
    server.listen(port, host, () => resolve());
  });
  const addr = server.address() as AddressInfo;
  o.onListening(`tcp:${addr.family === 'IPv6' ? `[${addr.address}]` : addr.address}:${addr.port}`);
  let busy = false;
  const name = await new Promise<string>((resolve) => {
    server.on('connection', (sock: Socket) => {
      const peer = `${sock.remoteAddress}:${sock.remotePort}`;
      if (busy) {
        sock.destroy();
        return;
      }
      busy = true;
      const wire = new Wire(sock, 'receiver');
      let created: string | undefined;
      void (async () => {
        await timed(wire.acceptPeer(o.token), 'the handshake');
        const def = acceptDefinition(
          manager,
          await timed(wire.expect(Msg.Definition, 'the definition'), 'the definition'),
          o.name,
        );
        await createFolder(manager.home, def, () => Promise.resolve(def));
        created = def.name;
        const session = wire.exportSession();
        await manager.spawnIncoming(def.name, sock, { [MIGRATION_ENV]: session });
        sock.destroy(); // this process's copy of the connection; the VM process has its own
        server.close();
        o.log(`${peer} authenticated: receiving ${def.name}`);
        resolve(def.name);
      })().catch(async (e: Error) => {
        o.log(`refused the connection from ${peer}: ${e.message}`);
        await wire.refuse(e.message);
        sock.destroy();
        if (created) await removeVm(manager, created);
        busy = false;
      });
    });
  });
  // The VM process receives the machine; follow its state until it runs or gives up.
  const paths = existingVm(manager.home, name);
  for (;;) {
    const obs = observeState(paths);
    if (obs.state === 'running' || obs.state === 'paused') return { name, state: obs.state };
    if (obs.state === 'created' && obs.pid === undefined && existsSync(paths.exitStatus)) {
      await removeVm(manager, name);
      throw new ManagerError('failed', `the migration of ${name} failed: its process ended (see ${paths.processLog})`);
    }
    if (obs.state === 'stopped' || obs.state === 'crashed') {
      const reason = obs.reason ?? obs.state;
      await removeVm(manager, name);
      throw new ManagerError('failed', `the migration of ${name} failed: ${reason}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Removes a VM this command created for an arrival that did not happen (its disks are the source's: kept). */
async function removeVm(manager: Manager, name: string): Promise<void> {
  try {
    const paths = existingVm(manager.home, name);
    await removeFolder(manager.home, paths, readDefinition(paths), false);
  } catch {
    // nothing to remove
  }
}
