const CTRL_A = 0x01;
export const CONSOLE_ESCAPE_HELP = [
    'C-a d    detach (the VM keeps running)',
    'C-a h    print this help',
    'C-a C-a  send C-a to the guest',
].join('\r\n');
/** Attaches the terminal (or stdin/stdout pipes) to a VM's console; resolves with the exit status when it ends. */
export async function attachConsole(mgr, name, o) {
    const sock = await mgr.console(name);
    return process.stdin.isTTY ? interactive(mgr, name, sock) : piped(sock, o.settleMs);
}
function ended(mgr, name) {
    try {
        const v = mgr.get(name);
        return `${name} is ${v.state}${v.reason ? `: ${v.reason}` : ''}`;
    }
    catch {
        return `${name}'s console closed`;
    }
}
function interactive(mgr, name, sock) {
    const stdin = process.stdin;
    const sendSize = () => {
        const { columns, rows } = process.stdout;
        if (columns && rows)
            void mgr.act(name, { action: 'console-size', cols: columns, rows }).catch(() => undefined);
    };
    return new Promise((done) => {
        let escaped = false;
        let finished = false;
        const finish = (message) => {
            if (finished)
                return;
            finished = true;
            stdin.off('data', onData);
            stdin.setRawMode(false);
            stdin.pause();
            process.stdout.off('resize', sendSize);
            sock.destroy();
            process.stderr.write(`\r\ntypevisor: ${message}\r\n`);
            done(0);
        };
        const onData = (chunk) => {
            const pass = [];
            for (const b of chunk) {
                if (escaped) {
                    escaped = false;
                    const c = String.fromCharCode(b).toLowerCase();
                    if (b === CTRL_A)
                        pass.push(CTRL_A);
                    else if (c === 'd') {
                        if (pass.length)
                            sock.write(Uint8Array.from(pass));
                        return finish(`detached from ${name}; it keeps running (typevisor console ${name} attaches again)`);
                    }
                    else if (c === 'h' || c === '?')
                        process.stderr.write(`\r\n${CONSOLE_ESCAPE_HELP}\r\n`);
                    continue;
                }
                if (b === CTRL_A)
                    escaped = true;
                else
                    pass.push(b);
            }
            if (pass.length)
                sock.write(Uint8Array.from(pass));
        };
        sock.on('data', (d) => process.stdout.write(d));
        sock.on('close', () => finish(ended(mgr, name)));
        sock.on('error', () => undefined);
        process.stderr.write(`typevisor: attached to ${name}'s console; C-a d detaches, C-a h lists the keys\r\n`);
        stdin.setRawMode(true);
        stdin.on('data', onData);
        stdin.resume();
        process.stdout.on('resize', sendSize);
        sendSize();
    });
}
/** Input from the pipe goes to the guest; after its end, output that stays quiet for `settleMs` ends the attachment. */
function piped(sock, settleMs) {
    const stdin = process.stdin;
    return new Promise((done) => {
        let inputEnded = false;
        let quiet;
        const finish = () => {
            clearTimeout(quiet);
            stdin.pause();
            sock.end();
            sock.destroy();
            done(0);
        };
        const settle = () => {
            clearTimeout(quiet);
            quiet = setTimeout(finish, settleMs);
        };
        sock.on('data', (d) => {
            process.stdout.write(d);
            if (inputEnded)
                settle();
        });
        sock.on('close', finish);
        sock.on('error', () => undefined);
        stdin.pipe(sock, { end: false });
        stdin.on('end', () => {
            inputEnded = true;
            settle();
        });
        stdin.on('error', () => undefined);
    });
}
//# sourceMappingURL=vm-console.js.map