// What /proc says about a process: whether it is still the one we started, its RSS and its CPU time (Linux).
import { readFileSync } from 'node:fs';
/** Fields of /proc/PID/stat after the command name (which may hold spaces and parentheses). */
function statFields(pid) {
    let text;
    try {
        text = readFileSync(`/proc/${pid}/stat`, 'latin1');
    }
    catch {
        return null;
    }
    const end = text.lastIndexOf(')');
    return end < 0 ? null : text.slice(end + 2).split(' ');
}
/** The process's start time in clock ticks after boot (field 22): with the pid, it names one process for good. */
export function processStartTicks(pid) {
    const f = statFields(pid);
    return f ? Number(f[19]) : null;
}
/** Whether `pid` is alive and is the process that started at `startTicks` (not a later one with a reused pid). */
export function isSameProcess(pid, startTicks) {
    const f = statFields(pid);
    if (!f)
        return false;
    // A zombie has exited: its parent (the shell that records the exit status) has not reaped it yet.
    if (f[0] === 'Z' || f[0] === 'X')
        return false;
    return Number(f[19]) === startTicks;
}
/** User + system CPU time in clock ticks (fields 14 and 15). */
export function processCpuTicks(pid) {
    const f = statFields(pid);
    return f ? Number(f[11]) + Number(f[12]) : null;
}
/** Resident set size in bytes (VmRSS in /proc/PID/status). */
export function processRssBytes(pid) {
    let text;
    try {
        text = readFileSync(`/proc/${pid}/status`, 'latin1');
    }
    catch {
        return null;
    }
    const m = /^VmRSS:\s+(\d+) kB$/m.exec(text);
    return m ? Number(m[1]) * 1024 : null;
}
//# sourceMappingURL=proc.js.map