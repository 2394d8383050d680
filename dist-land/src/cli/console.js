// The serial console on the user's terminal: raw mode on a TTY with a Ctrl-A escape, plain bytes through pipes.
const CTRL_A = 0x01;
export const ESCAPE_HELP = [
    'C-a h    print this help',
    'C-a x    quit the VM (the guest is stopped, not shut down)',
    'C-a s    print statistics',
    'C-a C-a  send C-a to the guest',
].join('\r\n');
/** The line printed once when an interactive console starts. */
export const ESCAPE_HINT = 'typevisor: console escapes: C-a x quits, C-a h lists all';
/** Attaches stdin to the guest. Returns a function that restores the terminal. */
export function attachConsole(hooks) {
    const stdin = process.stdin;
    const tty = stdin.isTTY === true;
    let escaped = false;
    let detached = false;
    const send = (bytes) => {
        if (hooks.write(bytes))
            return;
        // The guest is not reading as fast as input comes: stop reading stdin until it catches up (nothing is dropped).
        stdin.pause();
        void hooks.drained().then(() => {
            if (!detached)
                stdin.resume();
        });
    };
    const onData = (chunk) => {
        if (!tty) {
            send(new Uint8Array(chunk));
            return;
        }
        const pass = [];
        for (const b of chunk) {
            if (escaped) {
                escaped = false;
                const c = String.fromCharCode(b).toLowerCase();
                if (b === CTRL_A)
                    pass.push(CTRL_A);
                else if (c === 'x') {
                    hooks.quit();
                }
                else if (c === 'h' || c === '?')
                    process.stderr.write(`\r\n${ESCAPE_HELP}\r\n`);
                else if (c === 's')
                    hooks.stats();
                continue;
            }
            if (b === CTRL_A) {
                escaped = true;
                continue;
            }
            pass.push(b);
        }
        if (pass.length)
            send(Uint8Array.from(pass));
    };
    if (tty) {
        stdin.setRawMode(true);
        process.stderr.write(`${ESCAPE_HINT}\r\n`);
    }
    stdin.on('data', onData);
    // End of input (a script, </dev/null) never stops the guest: we simply stop reading.
    stdin.on('end', () => undefined);
    stdin.on('error', () => undefined);
    stdin.resume();
    return () => {
        detached = true;
        stdin.off('data', onData);
        if (tty)
            stdin.setRawMode(false);
        stdin.pause();
        stdin.unref?.();
    };
}
//# sourceMappingURL=console.js.map