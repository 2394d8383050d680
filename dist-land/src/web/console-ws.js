import { ConsoleControl, issueMessage } from './schemas.js';
/** Output held for a slow browser before the console socket is paused (it fills up in the VM process instead). */
const HIGH_WATER = 1024 * 1024;
function text(data) {
    return Buffer.isBuffer(data) ? data.toString('utf8') : Buffer.concat(data).toString('utf8');
}
/** Joins `ws` and `console` until either closes; `resize` passes the terminal size on. */
export function bridgeConsole(ws, console, resize) {
    const sendError = (message) => {
        if (ws.readyState === ws.OPEN)
            ws.send(JSON.stringify({ type: 'error', message }));
    };
    console.on('data', (chunk) => {
        if (ws.readyState !== ws.OPEN)
            return;
        ws.send(chunk, { binary: true }, () => {
            if (ws.bufferedAmount < HIGH_WATER && console.isPaused())
                console.resume();
        });
        if (ws.bufferedAmount >= HIGH_WATER)
            console.pause();
    });
    const closed = () => {
        if (ws.readyState === ws.OPEN || ws.readyState === ws.CONNECTING)
            ws.close(1000, 'console closed');
    };
    console.on('end', closed);
    console.on('close', closed);
    console.on('error', () => console.destroy());
    console.on('drain', () => ws.resume());
    ws.on('message', (data, isBinary) => {
        if (isBinary) {
            const bytes = Buffer.isBuffer(data) ? data : Buffer.concat(Array.isArray(data) ? data : [Buffer.from(data)]);
            if (!console.write(bytes))
                ws.pause();
            return;
        }
        let json;
        try {
            json = JSON.parse(text(data));
        }
        catch {
            return sendError('a text frame must be a JSON control message such as {"type":"resize","cols":80,"rows":24}');
        }
        const r = ConsoleControl.safeParse(json);
        if (!r.success)
            return sendError(issueMessage(r.error));
        resize(r.data.cols, r.data.rows).catch((e) => sendError(`resize: ${e.message}`));
    });
    ws.on('close', () => console.destroy());
    ws.on('error', () => console.destroy());
}
//# sourceMappingURL=console-ws.js.map