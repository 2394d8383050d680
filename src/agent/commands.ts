// What typevisor does through the guest agent: run a command, read the guest's identity and addresses, set its clock,
// freeze and thaw its file systems. Every reply is checked before use (the guest is not trusted).
import { z } from 'zod';
import { AgentError } from './client.js';

/** Runs one agent command (in the VM process directly, or through the VM's control socket). */
export type AgentCall = (command: string, args?: Record<string, unknown>, timeoutMs?: number) => Promise<unknown>;

const Pid = z.object({ pid: z.int() });
const ExecStatus = z.object({
  exited: z.boolean(),
  exitcode: z.int().optional(),
  signal: z.int().optional(),
  'out-data': z.string().optional(),
  'err-data': z.string().optional(),
  'out-truncated': z.boolean().optional(),
  'err-truncated': z.boolean().optional(),
});
const OsInfo = z
  .object({
    id: z.string(),
    name: z.string(),
    'pretty-name': z.string(),
    version: z.string(),
    'version-id': z.string(),
    'kernel-release': z.string(),
    'kernel-version': z.string(),
    machine: z.string(),
  })
  .partial();
const HostName = z.object({ 'host-name': z.string() });
const Interfaces = z.array(
  z.object({
    name: z.string(),
    'hardware-address': z.string().optional(),
    'ip-addresses': z
      .array(z.object({ 'ip-address-type': z.string(), 'ip-address': z.string(), prefix: z.int() }))
      .optional(),
  }),
);

function checked<T>(schema: z.ZodType<T>, value: unknown, command: string): T {
  const r = schema.safeParse(value);
  if (!r.success) throw new AgentError('protocol', `the guest agent's reply to ${command} has an unexpected form`);
  return r.data;
}

export interface ExecResult {
  /** The command's exit status; undefined when a signal ended it. */
  exitCode?: number;
  signal?: number;
  stdout: Buffer;
  stderr: Buffer;
  /** The agent kept only the first 16 MiB of a stream. */
  truncated: boolean;
}

export interface ExecOptions {
  /** Bytes for the command's standard input. */
  input?: Uint8Array;
  /** How long the command may run (default: no limit). */
  timeoutMs?: number;
}

/** The largest standard input sent with guest-exec (it travels inside one request through a 64 KiB port backlog). */
export const MAX_EXEC_INPUT = 32 * 1024;

/** Runs argv[0] (looked up in the guest's PATH) with the rest as its arguments; resolves once it has exited. */
export async function agentExec(call: AgentCall, argv: string[], o: ExecOptions = {}): Promise<ExecResult> {
  if (argv.length === 0) throw new AgentError('protocol', 'exec needs a command');
  if (o.input && o.input.length > MAX_EXEC_INPUT)
    throw new AgentError('protocol', `exec: standard input is limited to ${MAX_EXEC_INPUT / 1024} KiB`);
  const args: Record<string, unknown> = { path: argv[0], arg: argv.slice(1), 'capture-output': true };
  if (o.input) args['input-data'] = Buffer.from(o.input).toString('base64');
  const { pid } = checked(Pid, await call('guest-exec', args), 'guest-exec');
  const deadline = o.timeoutMs === undefined ? Infinity : Date.now() + o.timeoutMs;
  // Short commands answer within a few polls; long ones are asked less often.
  for (let wait = 20; ; wait = Math.min(wait * 2, 500)) {
    const s = checked(ExecStatus, await call('guest-exec-status', { pid }), 'guest-exec-status');
    if (s.exited)
      return {
        exitCode: s.exitcode,
        signal: s.signal,
        stdout: Buffer.from(s['out-data'] ?? '', 'base64'),
        stderr: Buffer.from(s['err-data'] ?? '', 'base64'),
        truncated: Boolean(s['out-truncated'] || s['err-truncated']),
      };
    if (Date.now() > deadline)
      throw new AgentError(
        'timeout',
        `the command still runs in the guest after ${o.timeoutMs! / 1000} s (guest pid ${pid}); it was left running`,
      );
    await new Promise((r) => setTimeout(r, wait));
  }
}

export interface GuestIdentity {
  os?: z.infer<typeof OsInfo>;
  hostname?: string;
  interfaces?: { name: string; mac?: string; addresses: string[] }[];
  /** Why a part is missing (the agent refused or lacks the command). */
  problems: string[];
}

/** The guest's OS, host name and network addresses; each part the agent cannot give is named in `problems`. */
export async function guestIdentity(call: AgentCall): Promise<GuestIdentity> {
  const out: GuestIdentity = { problems: [] };
  const part = async (command: string, use: (v: unknown) => void) => {
    try {
      use(await call(command));
    } catch (e) {
      if (e instanceof AgentError && e.code !== 'guest-error' && e.code !== 'protocol') throw e;
      // Through the control socket the code is gone; no agent at all is one answer, not one per part.
      if (/^no guest agent is running/.test((e as Error).message)) throw e;
      out.problems.push(`${command}: ${(e as Error).message}`);
    }
  };
  await part('guest-get-osinfo', (v) => (out.os = checked(OsInfo, v, 'guest-get-osinfo')));
  await part('guest-get-host-name', (v) => (out.hostname = checked(HostName, v, 'guest-get-host-name')['host-name']));
  await part('guest-network-get-interfaces', (v) => {
    out.interfaces = checked(Interfaces, v, 'guest-network-get-interfaces').map((i) => ({
      name: i.name,
      mac: i['hardware-address'],
      addresses: (i['ip-addresses'] ?? []).map((a) => `${a['ip-address']}/${a.prefix}`),
    }));
  });
  return out;
}

/**
 * Sets the guest's clock to the host's (after a pause, resume or restore, when the guest's clock stood still) and
 * thaws file systems a snapshot left frozen. The agent also writes the time to the guest's RTC with hwclock; a guest
 * without hwclock still has its system clock set, which is what matters here.
 */
export async function syncGuestClock(call: AgentCall, nowMs = Date.now()): Promise<void> {
  await thawIfFrozen(call);
  try {
    await call('guest-set-time', { time: nowMs * 1_000_000 });
  } catch (e) {
    if (!(e instanceof AgentError && e.code === 'guest-error' && /hwclock/i.test(e.message))) throw e;
  }
}

/** Freezes the guest's file systems (before a snapshot); resolves to how many it froze. */
export async function freezeFileSystems(call: AgentCall): Promise<number> {
  return checked(z.int(), await call('guest-fsfreeze-freeze', undefined, 30_000), 'guest-fsfreeze-freeze');
}

/** Thaws the guest's file systems when they are frozen; resolves to how many it thawed. */
export async function thawIfFrozen(call: AgentCall): Promise<number> {
  const status = await call('guest-fsfreeze-status');
  if (status !== 'frozen') return 0;
  return checked(z.int(), await call('guest-fsfreeze-thaw', undefined, 30_000), 'guest-fsfreeze-thaw');
}
