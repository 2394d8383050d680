// A child process that runs `typevisor` commands one after another on request (over IPC), capturing their output:
// bad-input tests run dozens of commands without a Node start-up each.
import { main } from '../../src/cli/main.js';
process.on('message', (msg) => {
    void (async () => {
        const out = process.stdout.write;
        const err = process.stderr.write;
        let stdout = '';
        let stderr = '';
        process.stdout.write = ((c) => ((stdout += c.toString()), true));
        process.stderr.write = ((c) => ((stderr += c.toString()), true));
        let code;
        try {
            code = await main(msg.args);
        }
        finally {
            process.stdout.write = out;
            process.stderr.write = err;
        }
        process.exitCode = 0;
        process.send({ code, stdout, stderr });
    })();
});
//# sourceMappingURL=manager-runner.js.map