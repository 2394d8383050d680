import { isIP } from 'node:net';
import { UserError } from '../cli/errors.js';
import { autostartLine, Manager } from '../manager/client.js';
import { typevisorHome } from '../manager/paths.js';
import { processStartTicks } from '../manager/proc.js';
import { isLoopback } from './guard.js';
import { ManagerBackend } from './manager-backend.js';
import { readServerInfo, removeServerInfo, serverInfoPath, writeServerInfo } from './server-info.js';
import { startServer } from './server.js';
import { loadOrCreateToken, tokenPath } from './token.js';
async function serve(opts) {
    if (!/^\d{1,5}$/.test(opts.port) || Number(opts.port) > 65535)
        throw new UserError(`--port takes a port number (0-65535; 0: a free one), not "${opts.port}"`);
    const listen = opts.listen ?? '127.0.0.1';
    if (isIP(listen) === 0)
        throw new UserError(`--listen takes an IP address such as 127.0.0.1, not "${listen}"`);
    const home = typevisorHome();
    const running = readServerInfo(home);
    if (running)
        throw new UserError(`a server for ${home} runs already (pid ${running.pid}) at ${running.url}`);
    const token = loadOrCreateToken(home, opts.newToken === true);
    if (!isLoopback(listen))
        process.stderr.write(`typevisor: warning: listening on ${listen}, not on loopback: anyone who reaches it and has the token controls your VMs, and HTTP is not encrypted\n`);
    const log = (line) => process.stderr.write(`typevisor serve: ${line}\n`);
    let server;
    try {
        server = await startServer({
            backend: new ManagerBackend(new Manager(home)),
            token,
            listen,
            port: Number(opts.port),
            log,
        });
    }
    catch (e) {
        const err = e;
        if (err.code === 'EADDRINUSE' || err.code === 'EADDRNOTAVAIL' || err.code === 'EACCES')
            throw new UserError(`cannot listen on ${listen} port ${opts.port}: ${err.message}`);
        throw e;
    }
    writeServerInfo(home, {
        pid: process.pid,
        startTicks: processStartTicks(process.pid) ?? 0,
        port: server.port,
        listen,
        url: server.url,
        startedAt: new Date().toISOString(),
    });
    process.stdout.write([
        `typevisor serve: the VMs of ${home}, on ${server.url} (API document: ${server.url}api/openapi.json)`,
        'To open them in a browser, copy and paste this URL (it holds the access token):',
        `    ${server.pageUrl}`,
        `API clients send "Authorization: Bearer TOKEN" with the token in ${tokenPath(home)}.`,
        `Ctrl-C stops the server (the VMs keep running); where it listens is in ${serverInfoPath(home)}.`,
        '',
    ].join('\n'));
    if (opts.autostart)
        for (const r of await new Manager(home).startAutostart({ log }))
            log(`autostart: ${autostartLine(r)}`);
    await new Promise((done) => {
        process.once('SIGINT', done);
        process.once('SIGTERM', done);
    });
    removeServerInfo(home);
    await server.close();
}
export function serveCommand(program) {
    program
        .command('serve')
        .description('serve the local HTTP and WebSocket API and the web page on 127.0.0.1; prints the URL to open, token included')
        .option('--port <n>', 'TCP port (0: a free one)', '0')
        .option('--listen <address>', 'IP address to listen on; anything but loopback lets other machines connect', '127.0.0.1')
        .option('--new-token', 'replace the token in $TYPEVISOR_HOME/serve.token (clients holding the old one are refused)')
        .option('--no-autostart', 'do not start the VMs marked --autostart')
        .action(async (opts) => serve(opts));
}
//# sourceMappingURL=serve-command.js.map