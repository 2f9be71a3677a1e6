// `npm test`: the front end's unit tests (tests/*.test.ts, pure logic), compiled
// with esbuild into .unit-build/ and run by Node's own test runner (TAP output,
// ending with node's summary: # tests / # pass / # fail).
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const web = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const out = path.join(web, '.unit-build');
fs.rmSync(out, { recursive: true, force: true });
const entries = fs
  .readdirSync(path.join(web, 'tests'))
  .filter((f) => f.endsWith('.test.ts') || f.endsWith('.test.tsx'))
  .map((f) => path.join(web, 'tests', f));
await build({
  entryPoints: entries,
  outdir: out,
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node18',
  outExtension: { '.js': '.mjs' },
  external: ['node:*'],
  jsx: 'automatic',
  logLevel: 'warning',
});
const files = fs.readdirSync(out).filter((f) => f.endsWith('.test.mjs')).map((f) => path.join(out, f));
const r = spawnSync(process.execPath, ['--test', '--test-reporter=tap', ...files], { stdio: 'inherit', cwd: web });
process.exit(r.status ?? 1);
