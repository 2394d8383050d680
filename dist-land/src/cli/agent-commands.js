import { Option } from 'commander';
import { Manager, ManagerError } from '../manager/client.js';
import { agentExec, guestIdentity, MAX_EXEC_INPUT } from '../agent/commands.js';
import { UserError } from './errors.js';
/** Exit status of exec when typevisor itself failed (no such VM, no agent, a timeout), as `docker run` uses 125. */
export const EXEC_FAILED = 125;
/** Exit status of exec when the guest could not start the command (not found, not executable). */
export const EXEC_CANNOT_RUN = 126;
function agentCall(m, name) {
    return (command, args, timeoutMs) => m.act(name, {
        action: 'agent',
        command,
        ...(args ? { arguments: args } : {}),
        ...(timeoutMs ? { timeoutMs } : {}),
    });
}
async function readStdin() {
    const parts = [];
    let size = 0;
    for await (const chunk of process.stdin) {
        size += chunk.length;
        if (size > MAX_EXEC_INPUT)
            throw new UserError(`exec --stdin: standard input is limited to ${MAX_EXEC_INPUT / 1024} KiB`, EXEC_FAILED);
        parts.push(chunk);
    }
    return Buffer.concat(parts);
}
export function agentCommands(program, mgr = () => new Manager()) {
    program
        .command('exec')
        .description("run a command in a running VM through its guest agent; prints its output and exits with the command's status")
        .argument('<name>')
        .argument('<command...>', 'the command and its arguments (put -- before them)')
        .option('--stdin', `send this command's standard input to the guest command (up to ${MAX_EXEC_INPUT / 1024} KiB)`)
        .addOption(new Option('--timeout <seconds>', 'give up waiting after this long (the command keeps running)'))
        .action(async (name, argv, o) => {
        let timeoutMs;
        if (o.timeout !== undefined) {
            const n = Number(o.timeout);
            if (!Number.isFinite(n) || n <= 0)
                throw new UserError(`--timeout must be a number of seconds, got "${o.timeout}"`, EXEC_FAILED);
            timeoutMs = Math.round(n * 1000);
        }
        const input = o.stdin ? await readStdin() : undefined;
        let r;
        try {
            r = await agentExec(agentCall(mgr(), name), argv, { input, timeoutMs });
        }
        catch (e) {
            const msg = e.message;
            // The agent's own refusal to start the program is the guest's "cannot run".
            if (e instanceof ManagerError && /^the guest agent in .*(execute|No such file|Permission denied)/i.test(msg))
                throw new UserError(msg, EXEC_CANNOT_RUN);
            if (e instanceof ManagerError || e.name === 'AgentError')
                throw new UserError(msg, EXEC_FAILED);
            throw e;
        }
        process.stdout.write(r.stdout);
        process.stderr.write(r.stderr);
        if (r.truncated)
            process.stderr.write('typevisor: the guest agent kept only the first 16 MiB of the output\n');
        process.exitCode = r.exitCode ?? 128 + (r.signal ?? 0);
    });
}
/** Lines for `info` from a running VM's agent: OS, host name, addresses; one line saying why when there is none. */
export async function guestInfoLines(m, name) {
    let id;
    try {
        id = await guestIdentity(agentCall(m, name));
    }
    catch (e) {
        return [['guest agent', e.message]];
    }
    const lines = [];
    if (id.os)
        lines.push(['guest OS', `${id.os['pretty-name'] ?? id.os.name ?? '?'} (kernel ${id.os['kernel-release'] ?? '?'})`]);
    if (id.hostname !== undefined)
        lines.push(['guest hostname', id.hostname]);
    for (const i of id.interfaces ?? [])
        if (i.name !== 'lo')
            lines.push([`guest ${i.name}`, [i.mac, ...i.addresses].filter(Boolean).join(' ') || '-']);
    for (const p of id.problems)
        lines.push(['guest agent', p]);
    return lines;
}
/** The agent's view as JSON for `info --format json` (null parts when the agent cannot give them). */
export async function guestInfoJson(m, name) {
    try {
        return await guestIdentity(agentCall(m, name));
    }
    catch (e) {
        return { error: e.message };
    }
}
//# sourceMappingURL=agent-commands.js.map