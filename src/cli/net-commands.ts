// `typevisor net`: named networks (create, list, info, delete) and the --network option of create and run.
import type { Command } from 'commander';
import { Option } from 'commander';
import { typevisorHome } from '../manager/paths.js';
import {
  addForward,
  createNetwork,
  deleteNetwork,
  listNetworks,
  networkInfo,
  parseForward,
  removeForward,
  type NetworkInfo,
  type NetworkMode,
} from '../manager/networks.js';
import { UserError } from './errors.js';
import { formatOption, printFields, printJson, run, table } from './vm-commands.js';

export interface NetworkSpec {
  network: string;
  ip?: string;
  mac?: string;
}

/** `NAME[,ip=A.B.C.D][,mac=52:54:..]`: a NIC on a named network. */
export function parseNetworkSpec(text: string): NetworkSpec {
  const [network, ...opts] = text.split(',');
  if (!network) throw new UserError('--network needs a network name: --network NAME[,ip=ADDRESS][,mac=MAC]');
  const spec: NetworkSpec = { network };
  for (const o of opts) {
    const ip = /^ip=(\d{1,3}(?:\.\d{1,3}){3})$/.exec(o);
    const mac = /^mac=((?:[0-9a-f]{2}:){5}[0-9a-f]{2})$/i.exec(o);
    if (ip) spec.ip = ip[1];
    else if (mac) spec.mac = mac[1].toLowerCase();
    else throw new UserError(`unknown --network option "${o}" (known: ip=A.B.C.D, mac=xx:xx:xx:xx:xx:xx)`);
  }
  return spec;
}

/** The --network options of a command, with --ip pinning the address of the only one. */
export function networkSpecs(networks: string[] | undefined, ip: string | undefined): NetworkSpec[] {
  const specs = (networks ?? []).map(parseNetworkSpec);
  if (ip !== undefined) {
    if (specs.length !== 1)
      throw new UserError(
        '--ip pins the address of one --network NIC: give exactly one --network (or use NAME,ip=...)',
      );
    if (!/^\d{1,3}(?:\.\d{1,3}){3}$/.test(ip)) throw new UserError(`--ip ${ip}: not an IPv4 address`);
    specs[0].ip = ip;
  }
  return specs;
}

function printInfo(n: NetworkInfo): void {
  const lines: [string, string][] = [
    ['name', n.name],
    ['mode', n.mode],
    ['subnet', n.subnet],
    ['gateway', `${n.gateway} (DHCP, DNS for NAME and NAME.${n.name.toLowerCase()})`],
    ['switch', n.switch ? `running (pid ${n.switch.pid}, since ${n.switch.startedAt})` : 'not running'],
  ];
  for (const p of n.switch?.ports ?? [])
    lines.push([
      `port ${p.id}`,
      `${p.label} ${p.macs.join(' ')} (${p.rxFrames} frames in, ${p.txFrames} out, ${p.dropped} dropped)`,
    ]);
  for (const f of n.forwards)
    lines.push(['forward', `${f.name} tcp:${f.hostAddr}:${f.hostPort} -> ${f.vm}:${f.guestPort}`]);
  for (const l of n.leases)
    lines.push(['lease', `${l.ip} ${l.mac}${l.name ? ` ${l.name}` : ''}${l.pinned ? ' (pinned)' : ''}`]);
  lines.push(
    ['folder', n.files.folder],
    ['ports socket', n.files.portsSocket],
    ['control socket', n.files.controlSocket],
    ['switch log', n.files.log],
  );
  printFields(lines);
}

export function netCommands(program: Command): void {
  const net = program.command('net').description('named networks of VMs: a switch with DHCP and DNS per network');
  const home = () => typevisorHome();

  net
    .command('create')
    .description('define a network (its switch starts when a VM joins it)')
    .argument('<name>', 'letters, digits, "-" and "_"')
    .option('--subnet <cidr>', 'IPv4 subnet; the gateway is its first address (default: a free 10.0.N.0/24)')
    .addOption(
      new Option('--nat', 'VMs reach the host and beyond through the gateway (the default)').conflicts([
        'hostOnly',
        'internal',
      ]),
    )
    .addOption(new Option('--host-only', 'VMs reach each other and the host only').conflicts(['internal']))
    .option('--internal', 'VMs reach each other only')
    .addOption(formatOption())
    .action(
      run(
        async (
          name: string,
          o: { subnet?: string; nat?: boolean; hostOnly?: boolean; internal?: boolean; format: string },
        ) => {
          const mode: NetworkMode = o.internal ? 'internal' : o.hostOnly ? 'host-only' : 'nat';
          const n = await createNetwork(home(), { name, subnet: o.subnet, mode });
          if (o.format === 'json') printJson(n);
          else process.stdout.write(`created network ${n.name} (${n.subnet}, gateway ${n.gateway}, ${n.mode})\n`);
        },
      ),
    );

  net
    .command('list')
    .alias('ls')
    .description('every network with its subnet, mode and switch')
    .addOption(formatOption())
    .action(
      run(async (o: { format: string }) => {
        const all = await listNetworks(home());
        if (o.format === 'json') return void printJson(all);
        if (!all.length) return void process.stdout.write('no networks (typevisor net create NAME makes one)\n');
        const rows = all.map((n) => [
          n.name,
          n.mode,
          n.subnet,
          n.gateway,
          n.switch ? `running, ${n.switch.ports.length} port${n.switch.ports.length === 1 ? '' : 's'}` : 'stopped',
          String(n.leases.length),
        ]);
        process.stdout.write(`${table(['NAME', 'MODE', 'SUBNET', 'GATEWAY', 'SWITCH', 'LEASES'], rows)}\n`);
      }),
    );

  net
    .command('info')
    .description("a network's definition, switch, ports and leases")
    .argument('<name>')
    .addOption(formatOption())
    .action(
      run(async (name: string, o: { format: string }) => {
        const n = await networkInfo(home(), name);
        if (o.format === 'json') printJson(n);
        else printInfo(n);
      }),
    );

  const forward = net.command('forward').description("a network's port forwards: host ports to VM ports");
  forward
    .command('add')
    .description('forward a host port to a VM port (the host side binds to 127.0.0.1 unless an address is given)')
    .argument('<network>')
    .argument('<host>', 'tcp:[ADDRESS:]PORT')
    .argument('<guest>', 'VM:PORT (the VM as the network names it)')
    .option('--name <name>', "the forward's name (default tcp-PORT)")
    .action(
      run(async (network: string, host: string, guest: string, o: { name?: string }) => {
        const fwd = parseForward(host, guest, o.name);
        await addForward(home(), network, fwd);
        process.stdout.write(`forward ${fwd.name}: ${fwd.hostAddr}:${fwd.hostPort} -> ${fwd.vm}:${fwd.guestPort}\n`);
      }),
    );
  forward
    .command('list')
    .alias('ls')
    .description("a network's forwards")
    .argument('<network>')
    .addOption(formatOption())
    .action(
      run(async (network: string, o: { format: string }) => {
        const n = await networkInfo(home(), network);
        const live = new Map((n.switch?.forwards ?? []).map((f) => [f.name, f]));
        if (o.format === 'json') return printJson(n.forwards.map((f) => ({ ...f, ...(live.get(f.name) ?? {}) })));
        if (!n.forwards.length) return void process.stdout.write(`no forwards on ${network}\n`);
        const rows = n.forwards.map((f) => {
          const l = live.get(f.name);
          const state = !n.switch ? 'switch stopped' : l?.error ? l.error : l?.listening ? 'listening' : 'starting';
          return [f.name, `tcp:${f.hostAddr}:${f.hostPort}`, `${f.vm}:${f.guestPort}`, state];
        });
        process.stdout.write(`${table(['NAME', 'HOST', 'GUEST', 'STATE'], rows)}\n`);
      }),
    );
  forward
    .command('remove')
    .alias('rm')
    .description('remove a forward by name')
    .argument('<network>')
    .argument('<name>')
    .action(
      run(async (network: string, name: string) => {
        await removeForward(home(), network, name);
        process.stdout.write(`removed forward ${name} from ${network}\n`);
      }),
    );

  net
    .command('delete')
    .alias('rm')
    .description('remove a network (refused while VMs are attached to it)')
    .argument('<name>')
    .action(
      run(async (name: string) => {
        await deleteNetwork(home(), name);
        process.stdout.write(`deleted network ${name}\n`);
      }),
    );
}
