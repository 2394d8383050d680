// Named networks: their definitions under $TYPEVISOR_HOME/networks, their switch processes, and a NIC's way onto one.
import { spawn } from 'node:child_process';
import { closeSync, existsSync, openSync, readdirSync, readFileSync, renameSync, rmSync, statSync } from 'node:fs';
import { mkdir, rm } from 'node:fs/promises';
import { createConnection } from 'node:net';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { writeFileAtomic } from './atomic-file.js';
import { nameProblem } from './definition.js';
import { ManagerError } from './errors.js';
import { LineSplitter } from './lines.js';
import { withLock } from './lock.js';
import { ensureSocketDir, socketDir } from './paths.js';
import { MAX_RULES, parseRule, RULE_ACTIONS, RuleSchema, RuleSyntaxError, } from '../net/firewall.js';
import { ipText, parseIp } from '../net/packet.js';
import { SwitchLink } from '../net/switch-link.js';
export const NETWORK_VERSION = 1;
export const NETWORK_MODES = ['nat', 'host-only', 'internal'];
/** The subnet a network gets when none is given: the first 10.0.N.0/24 from N = 10 that no other network uses. */
const DEFAULT_THIRD_OCTET = 10;
/** How long a start waits for the switch process to answer on its control socket. */
const SWITCH_START_MS = 15_000;
const MAX_NETWORK_FILE = 64 * 1024;
const PORT = z.int().min(1).max(65535);
const ForwardSchema = z.strictObject({
    name: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_.-]{0,62}$/),
    proto: z.literal('tcp'),
    hostAddr: z.string().regex(/^\d{1,3}(?:\.\d{1,3}){3}$/),
    hostPort: PORT,
    vm: z.string().regex(/^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/),
    guestPort: PORT,
});
/** Port forwards one network holds. */
export const MAX_FORWARDS = 64;
const NetworkSchema = z.strictObject({
    version: z.literal(NETWORK_VERSION),
    name: z.string().refine((n) => nameProblem(n) === null, { error: 'not a valid network name' }),
    subnet: z.string().max(32),
    mode: z.enum(NETWORK_MODES),
    forwards: z.array(ForwardSchema).max(MAX_FORWARDS).default([]),
    /** Firewall rules in order (docs/networks.md) and what happens to a frame no rule matches. */
    rules: z.array(RuleSchema).max(MAX_RULES).default([]),
    policy: z.enum(RULE_ACTIONS).default('allow'),
    createdAt: z.string().max(64).optional(),
});
export const LeaseSchema = z.strictObject({
    mac: z.string().regex(/^(?:[0-9a-f]{2}:){5}[0-9a-f]{2}$/),
    ip: z.string().max(15),
    name: z.string().max(63).optional(),
    pinned: z.boolean().optional(),
    seen: z.string().max(64).optional(),
});
export const LeasesSchema = z.array(LeaseSchema).max(65536);
export function networksDir(home) {
    return join(home, 'networks');
}
export function networkPaths(home, name) {
    const dir = join(networksDir(home), name);
    const sockets = socketDir(dir);
    return {
        name,
        dir,
        definition: join(dir, 'network.json'),
        leases: join(dir, 'leases.json'),
        log: join(dir, 'switch.log'),
        pid: join(dir, 'switch.pid'),
        lock: join(dir, '.start.lock'),
        controlSocket: join(sockets, 'control.sock'),
        portsSocket: join(sockets, 'ports.sock'),
    };
}
/** A subnet in CIDR form: its network address and prefix length (8 to 29: room for the gateway and some VMs). */
export function parseSubnet(text) {
    const m = /^([0-9.]+)\/(\d{1,2})$/.exec(text);
    const ip = m ? parseIp(m[1]) : null;
    const prefix = m ? Number(m[2]) : NaN;
    if (ip === null || !(prefix >= 8 && prefix <= 29))
        throw new ManagerError('bad-input', `bad subnet "${text}": give an IPv4 network like 10.0.10.0/24 (prefix 8 to 29)`);
    const mask = (0xffffffff << (32 - prefix)) >>> 0;
    if ((ip & mask) >>> 0 !== ip)
        throw new ManagerError('bad-input', `bad subnet "${text}": the host part is not zero (did you mean ${ipText((ip & mask) >>> 0)}/${prefix}?)`);
    return { network: ip, prefix };
}
/** The gateway's address: the subnet's first host. */
export function gatewayOf(subnet) {
    return (parseSubnet(subnet).network + 1) >>> 0;
}
function checkNetworkName(name) {
    const problem = nameProblem(name);
    if (problem)
        throw new ManagerError('bad-input', `bad network name ${JSON.stringify(name)}: ${problem.replace('VM', 'network')}`);
}
export function readNetwork(paths) {
    let text;
    try {
        if (statSync(paths.definition).size > MAX_NETWORK_FILE)
            throw new ManagerError('bad-input', `${paths.definition}: larger than ${MAX_NETWORK_FILE} bytes`);
        text = readFileSync(paths.definition, 'utf8');
    }
    catch (e) {
        if (e.code === 'ENOENT')
            throw new ManagerError('not-found', `no network named "${paths.name}" (typevisor net create ${paths.name})`);
        throw e;
    }
    let r;
    try {
        r = NetworkSchema.safeParse(JSON.parse(text));
    }
    catch (e) {
        throw new ManagerError('bad-input', `${paths.definition}: not valid JSON: ${e.message}`);
    }
    if (!r.success)
        throw new ManagerError('bad-input', `${paths.definition}: ${r.error.issues[0].message}`);
    parseSubnet(r.data.subnet);
    return r.data;
}
/** The leases file; a missing or damaged file is an empty table (addresses are handed out again). */
export function readLeases(paths) {
    try {
        if (statSync(paths.leases).size > 16 * 1024 * 1024)
            return [];
        const r = LeasesSchema.safeParse(JSON.parse(readFileSync(paths.leases, 'utf8')));
        return r.success ? r.data : [];
    }
    catch {
        return [];
    }
}
export function existingNetwork(home, name) {
    checkNetworkName(name);
    const paths = networkPaths(home, name);
    if (!existsSync(paths.definition))
        throw new ManagerError('not-found', `no network named "${name}" (typevisor net create ${name})`);
    return paths;
}
export function listNetworkNames(home) {
    try {
        return readdirSync(networksDir(home))
            .filter((n) => !n.startsWith('.') && existsSync(join(networksDir(home), n, 'network.json')))
            .sort();
    }
    catch {
        return [];
    }
}
/** The switch could not be reached on its control socket. */
export class SwitchNotRunning extends Error {
    name = 'SwitchNotRunning';
}
/** One request on a switch's control socket (docs/networks.md): a JSON line out, one JSON line back. */
export function switchRequest(path, request, timeoutMs = 10_000) {
    return new Promise((ok, fail) => {
        const s = createConnection(path);
        const timer = setTimeout(() => {
            s.destroy();
            fail(new ManagerError('failed', `the switch did not answer on ${path} within ${timeoutMs / 1000} s`));
        }, timeoutMs);
        const done = (f) => {
            clearTimeout(timer);
            s.destroy();
            f();
        };
        s.once('error', (e) => done(() => fail(e.code === 'ENOENT' || e.code === 'ECONNREFUSED'
            ? new SwitchNotRunning(`nothing serves ${path}`)
            : new ManagerError('failed', `${path}: ${e.message}`))));
        s.once('connect', () => s.write(`${JSON.stringify({ id: 1, ...request })}\n`));
        const lines = new LineSplitter((line) => {
            let reply;
            try {
                reply = JSON.parse(line);
            }
            catch {
                return done(() => fail(new ManagerError('failed', `bad reply from ${path}`)));
            }
            if (reply.ok)
                done(() => ok(reply.result));
            else
                done(() => fail(new ManagerError('bad-input', reply.error?.message ?? 'the switch refused the request')));
        }, () => done(() => fail(new ManagerError('failed', `reply from ${path} too long`))));
        s.on('data', (d) => lines.push(d));
        s.on('close', () => done(() => fail(new SwitchNotRunning(`the switch closed ${path} without a reply`))));
    });
}
const NET_PROCESS = fileURLToPath(new URL('./net-process.js', import.meta.url));
/** The switch log moves to switch.log.1 past this size at each start. */
const LOG_CAP = 1024 * 1024;
/** The switch's status, or undefined when it does not run. */
export async function switchStatus(paths) {
    try {
        return (await switchRequest(paths.controlSocket, { op: 'status' }));
    }
    catch (e) {
        if (e instanceof SwitchNotRunning)
            return undefined;
        throw e;
    }
}
/** Starts the network's switch process unless it runs; resolves once it answers. Serialized by a lock per network. */
export async function ensureSwitch(paths) {
    if (await switchStatus(paths))
        return;
    readNetwork(paths); // a missing or broken definition is the error, not a switch that will not start
    await withLock(paths.lock, async () => {
        if (await switchStatus(paths))
            return;
        ensureSocketDir(paths);
        if (existsSync(paths.log) && statSync(paths.log).size > LOG_CAP)
            renameSync(paths.log, `${paths.log}.1`);
        const fd = openSync(paths.log, 'a', 0o600);
        let exited;
        try {
            const child = spawn(process.execPath, [NET_PROCESS, paths.dir], { detached: true, stdio: ['ignore', fd, fd] });
            child.on('exit', (code, signal) => (exited = signal ? `was killed by ${signal}` : `exited with status ${code}`));
            child.on('error', (e) => (exited = e.message));
            child.unref();
        }
        finally {
            closeSync(fd);
        }
        const deadline = Date.now() + SWITCH_START_MS;
        for (;;) {
            await sleep(50);
            if (await switchStatus(paths))
                return;
            if (exited !== undefined)
                throw new ManagerError('failed', `network ${paths.name}: its switch ${exited} (see ${paths.log})`);
            if (Date.now() > deadline)
                throw new ManagerError('failed', `network ${paths.name}: its switch did not answer within ${SWITCH_START_MS / 1000} s (see ${paths.log})`);
        }
    });
}
/**
 * A NIC's backend on a network: starts the switch if needed, registers the NIC (name, pinned address) and connects;
 * when the switch goes away the link reconnects (starting the switch again). Rejects with a one-line reason.
 */
export async function openNetworkNic(home, nic, log) {
    const paths = existingNetwork(home, nic.network);
    const reach = async () => {
        await ensureSwitch(paths);
        await switchRequest(paths.controlSocket, { op: 'register', mac: nic.mac, name: nic.vm, ip: nic.ip });
        return paths.portsSocket;
    };
    try {
        return await SwitchLink.open({ reach, log });
    }
    catch (e) {
        throw new ManagerError(e instanceof ManagerError ? e.kind : 'failed', `network ${nic.network}: ${e.message.replace(`network ${nic.network}: `, '')}`);
    }
}
export async function createNetwork(home, o) {
    checkNetworkName(o.name);
    const taken = listNetworkNames(home).map((n) => readNetworkQuietly(home, n)?.subnet);
    let subnet = o.subnet;
    if (subnet === undefined) {
        for (let n = DEFAULT_THIRD_OCTET; n < 256 && subnet === undefined; n++)
            if (!taken.includes(`10.0.${n}.0/24`))
                subnet = `10.0.${n}.0/24`;
        subnet ??= '10.0.10.0/24';
    }
    parseSubnet(subnet);
    const def = {
        version: NETWORK_VERSION,
        name: o.name,
        subnet,
        mode: o.mode ?? 'nat',
        forwards: [],
        rules: [],
        policy: 'allow',
        createdAt: new Date().toISOString(),
    };
    const clash = listNetworkNames(home).find((n) => n.toLowerCase() === o.name.toLowerCase());
    if (clash)
        throw new ManagerError('exists', `a network named "${clash}" already exists`);
    const paths = networkPaths(home, o.name);
    await mkdir(networksDir(home), { recursive: true, mode: 0o700 });
    try {
        await mkdir(paths.dir, { mode: 0o700 });
    }
    catch (e) {
        if (e.code === 'EEXIST')
            throw new ManagerError('exists', `${paths.dir} already exists (without a definition): move it away first`);
        throw e;
    }
    await writeFileAtomic(paths.definition, `${JSON.stringify(def, null, 2)}\n`);
    return networkInfo(home, o.name);
}
function readNetworkQuietly(home, name) {
    try {
        return readNetwork(networkPaths(home, name));
    }
    catch {
        return undefined;
    }
}
export async function networkInfo(home, name) {
    const paths = existingNetwork(home, name);
    const def = readNetwork(paths);
    const sw = await switchStatus(paths);
    return {
        ...def,
        gateway: ipText(gatewayOf(def.subnet)),
        running: sw !== undefined,
        ...(sw ? { switch: sw } : {}),
        leases: sw ? sw.leases : readLeases(paths).map(({ mac, ip, name: n, pinned }) => ({ mac, ip, name: n, pinned })),
        files: { folder: paths.dir, controlSocket: paths.controlSocket, portsSocket: paths.portsSocket, log: paths.log },
    };
}
export async function listNetworks(home) {
    const out = [];
    for (const n of listNetworkNames(home))
        out.push(await networkInfo(home, n));
    return out;
}
/** Removes a network; refused while VMs are attached to its switch (an idle switch is stopped first). */
export async function deleteNetwork(home, name) {
    const paths = existingNetwork(home, name);
    const sw = await switchStatus(paths);
    if (sw && sw.ports.length > 0)
        throw new ManagerError('wrong-state', `network ${name} has ${sw.ports.length} attached port${sw.ports.length === 1 ? '' : 's'}: stop its VMs first`);
    if (sw)
        await switchRequest(paths.controlSocket, { op: 'stop' }).catch(() => undefined);
    const trash = join(networksDir(home), `.deleting-${name}-${process.pid}`);
    renameSync(paths.dir, trash);
    await rm(trash, { recursive: true, force: true });
    const sockets = join(paths.controlSocket, '..');
    if (sockets !== paths.dir)
        rmSync(sockets, { recursive: true, force: true });
}
/** A pinned address must lie in the network's subnet, not be its gateway: checked when the NIC is defined. */
export function checkPinnedIp(home, network, ip) {
    const def = readNetwork(existingNetwork(home, network));
    const n = parseIp(ip);
    const { network: net, prefix } = parseSubnet(def.subnet);
    const mask = (0xffffffff << (32 - prefix)) >>> 0;
    const bcast = (net | (~mask >>> 0)) >>> 0;
    if (n === null || (n & mask) >>> 0 !== net || n === net || n === bcast || n === net + 1)
        throw new ManagerError('bad-input', `--ip ${ip}: not a host address of network ${network} (${def.subnet}, gateway ${ipText(net + 1)})`);
}
/**
 * `tcp:[ADDR:]PORT` and `VM:PORT`: a host port (on 127.0.0.1 unless ADDR says else) forwarded to a VM's port. The VM
 * is named as DNS knows it (its host name).
 */
export function parseForward(host, guest, name) {
    const h = /^(tcp):(?:(\d{1,3}(?:\.\d{1,3}){3}):)?(\d{1,5})$/.exec(host);
    if (!h || parseIp(h[2] ?? '127.0.0.1') === null)
        throw new ManagerError('bad-input', `bad host side "${host}": give tcp:[ADDRESS:]PORT, e.g. tcp:127.0.0.1:8080`);
    const g = /^([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?):(\d{1,5})$/i.exec(guest);
    if (!g)
        throw new ManagerError('bad-input', `bad guest side "${guest}": give VM:PORT, e.g. vm1:80`);
    const hostPort = Number(h[3]), guestPort = Number(g[3]);
    for (const p of [hostPort, guestPort])
        if (p < 1 || p > 65535)
            throw new ManagerError('bad-input', `port ${p} is not from 1 to 65535`);
    const fwd = {
        name: name ?? `tcp-${hostPort}`,
        proto: 'tcp',
        hostAddr: h[2] ?? '127.0.0.1',
        hostPort,
        vm: g[1].toLowerCase(),
        guestPort,
    };
    const r = ForwardSchema.safeParse(fwd);
    if (!r.success)
        throw new ManagerError('bad-input', `bad forward name "${fwd.name}": letters, digits, ".", "_" and "-"`);
    return r.data;
}
/** Changes a network's definition under its lock; a running switch takes the change at once. */
async function changeDefinition(home, network, change) {
    const paths = existingNetwork(home, network);
    return withLock(paths.lock, async () => {
        const next = change(readNetwork(paths));
        await writeFileAtomic(paths.definition, `${JSON.stringify(next, null, 2)}\n`);
        // A running switch takes the change at once.
        await switchRequest(paths.controlSocket, { op: 'reload' }).catch((e) => {
            if (!(e instanceof SwitchNotRunning))
                throw e;
        });
        return next;
    });
}
function changeForwards(home, network, change) {
    return changeDefinition(home, network, (def) => ({ ...def, forwards: change(def.forwards, def) }));
}
export async function addForward(home, network, fwd) {
    await changeForwards(home, network, (list, def) => {
        if (def.mode === 'internal')
            throw new ManagerError('bad-input', `network ${network} is internal: it has no way to the host to forward`);
        if (list.some((f) => f.name === fwd.name))
            throw new ManagerError('exists', `network ${network} already has a forward named ${fwd.name}`);
        if (list.some((f) => f.hostAddr === fwd.hostAddr && f.hostPort === fwd.hostPort))
            throw new ManagerError('exists', `${fwd.hostAddr}:${fwd.hostPort} is already forwarded on network ${network}`);
        if (list.length >= MAX_FORWARDS)
            throw new ManagerError('bad-input', `a network has at most ${MAX_FORWARDS} forwards`);
        return [...list, fwd];
    });
}
export async function removeForward(home, network, name) {
    await changeForwards(home, network, (list) => {
        if (!list.some((f) => f.name === name))
            throw new ManagerError('not-found', `network ${network} has no forward named ${name}`);
        return list.filter((f) => f.name !== name);
    });
}
/** A rule from its words (`parseRule`), a parse failure as the manager's bad-input error. */
export function parseRuleWords(words) {
    try {
        return parseRule(words);
    }
    catch (e) {
        if (e instanceof RuleSyntaxError)
            throw new ManagerError('bad-input', `bad rule: ${e.message}`);
        throw e;
    }
}
/** The rules in order with their hit counters (zero while the switch does not run). */
export async function listRules(home, network) {
    const paths = existingNetwork(home, network);
    const def = readNetwork(paths);
    const sw = await switchStatus(paths);
    const hits = (id) => sw?.firewall?.counters[String(id)] ?? { packets: 0, bytes: 0 };
    return {
        network: def.name,
        policy: def.policy,
        policyHits: hits(0),
        running: sw !== undefined,
        tracked: sw?.firewall?.tracked ?? 0,
        rules: def.rules.map((r, i) => ({ ...r, position: i + 1, ...hits(r.id) })),
    };
}
function positionIndex(position, length) {
    if (position === undefined)
        return length;
    if (!Number.isInteger(position) || position < 1 || position > length + 1)
        throw new ManagerError('bad-input', `position ${position} is not from 1 to ${length + 1}`);
    return position - 1;
}
/** Adds a rule at a 1-based position (the end by default); its id is new on this network. */
export async function addRule(home, network, spec, position) {
    let rule;
    await changeDefinition(home, network, (def) => {
        if (def.rules.length >= MAX_RULES)
            throw new ManagerError('bad-input', `a network has at most ${MAX_RULES} rules`);
        const at = positionIndex(position, def.rules.length);
        rule = { id: def.rules.reduce((m, r) => Math.max(m, r.id), 0) + 1, ...spec };
        const r = RuleSchema.safeParse(rule);
        if (!r.success)
            throw new ManagerError('bad-input', `bad rule: ${r.error.issues[0].message}`);
        const rules = [...def.rules];
        rules.splice(at, 0, r.data);
        return { ...def, rules };
    });
    return rule;
}
function ruleIndex(def, id) {
    const i = def.rules.findIndex((r) => r.id === id);
    if (i < 0)
        throw new ManagerError('not-found', `network ${def.name} has no rule ${id} (typevisor net rule list)`);
    return i;
}
export async function deleteRule(home, network, id) {
    await changeDefinition(home, network, (def) => {
        const i = ruleIndex(def, id);
        return { ...def, rules: def.rules.filter((_, j) => j !== i) };
    });
}
/** Moves a rule to a 1-based position among the rules. */
export async function moveRule(home, network, id, position) {
    await changeDefinition(home, network, (def) => {
        const i = ruleIndex(def, id);
        const rules = [...def.rules];
        const [r] = rules.splice(i, 1);
        rules.splice(positionIndex(position, rules.length), 0, r);
        return { ...def, rules };
    });
}
export async function setPolicy(home, network, policy) {
    if (!RULE_ACTIONS.includes(policy))
        throw new ManagerError('bad-input', `bad policy "${String(policy)}": give allow, deny or reject`);
    await changeDefinition(home, network, (def) => ({ ...def, policy }));
}
//# sourceMappingURL=networks.js.map