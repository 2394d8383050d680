#!/usr/bin/env node
// The typevisor command: runs the compiled CLI (npm ci / npm run build produce dist/).
import { main } from '../dist/src/cli/main.js';

main(process.argv.slice(2)).then((code) => { process.exitCode = code; process.exit(code); });
