// `npm run e2e`: the browser tests (e2e/*.e2e.mjs) in ONE node process, one
// file after another (they share the machine's 2 cores with the server and
// chromium), reported by node's test runner (TAP, ending with its summary).
// AW_E2E_ONLY=<substring> runs only matching files. A watchdog ends a hung run.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const web = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
if (!fs.existsSync(path.join(web, 'dist', 'index.html'))) {
  console.error('web/dist is missing: run `npm run build` first');
  process.exit(1);
}
const limitMs = Number(process.env.AW_E2E_TIMEOUT_MS ?? 8 * 60_000);
const child = spawn(process.execPath, ['--test-reporter=tap', path.join(web, 'e2e', 'all.mjs')], { stdio: 'inherit', cwd: web });
const dog = setTimeout(() => {
  console.error(`e2e: still running after ${limitMs / 1000} s; stopping it`);
  child.kill('SIGTERM');
  setTimeout(() => child.kill('SIGKILL'), 5000).unref();
}, limitMs);
child.on('exit', (code, signal) => {
  clearTimeout(dog);
  process.exit(code ?? (signal ? 1 : 0));
});
