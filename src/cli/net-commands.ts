// `typevisor net`: named networks (create, list, info, delete) and the --network option of create and run.
import type { Command } from 'commander';
import { Option } from 'commander';
import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
import { finished } from 'node:stream/promises';
import { typevisorHome } from '../manager/paths.js';
import { openCapture } from '../manager/net-capture.js';
import { RULE_ACTIONS, RULE_SYNTAX, ruleText, type RuleAction } from '../net/firewall.js';
import {
  addForward,
  addRule,
  deleteRule,
  listRules,
  moveRule,
  parseRuleWords,
  setPolicy,
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
import { formatOption, printFields, printJson, run, table } from './output.js';

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
  lines.push(['policy', `${n.policy} (${n.rules.length} rule${n.rules.length === 1 ? '' : 's'} before it)`]);
  for (const f of n.forwards)
    lines.push(['forward', `${f.name} ${f.proto}:${f.hostAddr}:${f.hostPort} -> ${f.vm}:${f.guestPort}`]);
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
    .argument('<host>', 'tcp:[ADDRESS:]PORT or udp:[ADDRESS:]PORT')
    .argument('<guest>', 'VM:PORT (the VM as the network names it)')
    .option('--name <name>', "the forward's name (default tcp-PORT or udp-PORT)")
    .action(
      run(async (network: string, host: string, guest: string, o: { name?: string }) => {
        const fwd = parseForward(host, guest, o.name);
        await addForward(home(), network, fwd);
        process.stdout.write(
          `forward ${fwd.name}: ${fwd.proto}:${fwd.hostAddr}:${fwd.hostPort} -> ${fwd.vm}:${fwd.guestPort}\n`,
        );
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
          return [f.name, `${f.proto}:${f.hostAddr}:${f.hostPort}`, `${f.vm}:${f.guestPort}`, state];
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

  ruleCommands(net, home);
  captureCommand(net, home);

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

/** A whole number from the command line, or a one-line error. */
function count(text: string, what: string, min: number): number {
  const n = Number(text);
  if (!Number.isInteger(n) || n < min) throw new UserError(`${what} must be a whole number from ${min}, got "${text}"`);
  return n;
}

function ruleCommands(net: Command, home: () => string): void {
  const rule = net
    .command('rule')
    .description("a network's firewall: ordered rules, first match decides, then the default policy");
  rule
    .command('add')
    .description(`add a rule: ${RULE_SYNTAX}`)
    .argument('<network>')
    .argument('<rule...>', 'e.g. deny icmp from vm1 to vm2, or allow tcp from any to vm2 port 80')
    .option('--position <n>', 'put it at this place in the list (1 = first; default: last)')
    .action(
      run(async (network: string, words: string[], o: { position?: string }) => {
        const spec = parseRuleWords(words);
        const position = o.position === undefined ? undefined : count(o.position, '--position', 1);
        const r = await addRule(home(), network, spec, position);
        process.stdout.write(`rule ${r.id}: ${ruleText(r)}\n`);
      }),
    );
  rule
    .command('list')
    .alias('ls')
    .description('the rules in the order they are tried, with their hits since the switch started')
    .argument('<network>')
    .addOption(formatOption())
    .action(
      run(async (network: string, o: { format: string }) => {
        const l = await listRules(home(), network);
        if (o.format === 'json') return void printJson(l);
        const rows = l.rules.map((r) => [
          String(r.position),
          String(r.id),
          r.action,
          r.proto,
          `${r.from}${r.fromPorts ? ` port ${r.fromPorts}` : ''}`,
          `${r.to}${r.toPorts ? ` port ${r.toPorts}` : ''}`,
          String(r.packets),
          String(r.bytes),
        ]);
        rows.push(['-', '-', l.policy, 'any', 'any', 'any', String(l.policyHits.packets), String(l.policyHits.bytes)]);
        process.stdout.write(`${table(['#', 'ID', 'ACTION', 'PROTO', 'FROM', 'TO', 'PACKETS', 'BYTES'], rows)}\n`);
        if (!l.running) process.stdout.write('(the switch is not running: counters start when it does)\n');
      }),
    );
  rule
    .command('delete')
    .alias('rm')
    .description('remove a rule by its id')
    .argument('<network>')
    .argument('<id>')
    .action(
      run(async (network: string, id: string) => {
        await deleteRule(home(), network, count(id, 'a rule id', 1));
        process.stdout.write(`deleted rule ${id} from ${network}\n`);
      }),
    );
  rule
    .command('move')
    .description('move a rule (by id) to a place in the list (1 = first)')
    .argument('<network>')
    .argument('<id>')
    .argument('<position>')
    .action(
      run(async (network: string, id: string, position: string) => {
        await moveRule(home(), network, count(id, 'a rule id', 1), count(position, 'the position', 1));
        process.stdout.write(`moved rule ${id} to position ${position}\n`);
      }),
    );
  rule
    .command('default')
    .alias('policy')
    .description('what happens to frames no rule matches: allow (the default), deny or reject')
    .argument('<network>')
    .argument('<action>', RULE_ACTIONS.join(' | '))
    .action(
      run(async (network: string, action: string) => {
        if (!RULE_ACTIONS.includes(action as RuleAction))
          throw new UserError(`bad policy "${action}": give allow, deny or reject`);
        await setPolicy(home(), network, action as RuleAction);
        process.stdout.write(`network ${network}: default policy ${action}\n`);
      }),
    );
}

function captureCommand(net: Command, home: () => string): void {
  net
    .command('capture')
    .description(
      "write a network's frames as they pass its switch, as pcapng (frames the firewall dropped carry a comment)",
    )
    .argument('<network>')
    .option('-w, --write <file>', 'the capture file, or - for standard output (wireshark -k -i -)')
    .option('--vm <vm>', "only this VM's frames")
    .option('-c, --count <n>', 'stop after this many frames')
    .option('--duration <seconds>', 'stop after this many seconds')
    .action(
      run(async (network: string, o: { write?: string; vm?: string; count?: string; duration?: string }) => {
        const toStdout = o.write === '-' || o.write === undefined;
        if (o.write === undefined && process.stdout.isTTY)
          throw new UserError('net capture writes pcapng: give -w FILE, or -w - and a pipe (| wireshark -k -i -)');
        const frames = o.count === undefined ? undefined : count(o.count, '--count', 1);
        const seconds = o.duration === undefined ? undefined : Number(o.duration);
        if (seconds !== undefined && !(seconds > 0))
          throw new UserError(`--duration must be a number of seconds, got "${o.duration}"`);
        const out = toStdout ? process.stdout : createWriteStream(o.write!, { mode: 0o600 });
        if (!toStdout) await once(out, 'open');
        const cap = await openCapture(home(), network, { vm: o.vm?.toLowerCase(), count: frames });
        process.stderr.write(`capturing on ${network}${o.vm ? ` (VM ${o.vm})` : ''}; Ctrl-C ends it\n`);
        const timer = seconds === undefined ? undefined : setTimeout(cap.stop, seconds * 1000);
        const stop = () => cap.stop();
        process.once('SIGINT', stop);
        process.once('SIGTERM', stop);
        cap.stream.pipe(out, { end: !toStdout });
        const { packets } = await cap.done;
        clearTimeout(timer);
        process.off('SIGINT', stop);
        process.off('SIGTERM', stop);
        if (!toStdout) await finished(out);
        process.stderr.write(`${packets} frame${packets === 1 ? '' : 's'} captured\n`);
      }),
    );
}
