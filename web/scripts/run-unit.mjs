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
// tests/*.test.ts and src/**/*.test.ts(x) (feature folders keep their tests beside the code).
function find(dir) {
  if (!fs.existsSync(dir)) return [];
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((d) =>
    d.isDirectory() ? find(path.join(dir, d.name)) : /\.test\.tsx?$/.test(d.name) ? [path.join(dir, d.name)] : [],
  );
}
const entries = [...find(path.join(web, 'tests')), ...find(path.join(web, 'src'))];
await build({
  entryPoints: entries,
  outdir: out,
  outbase: web,
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node18',
  outExtension: { '.js': '.mjs' },
  external: ['node:*'],
  jsx: 'automatic',
  logLevel: 'warning',
});
const files = [];
(function collect(dir) {
  for (const d of fs.readdirSync(dir, { withFileTypes: true })) {
    if (d.isDirectory()) collect(path.join(dir, d.name));
    else if (d.name.endsWith('.test.mjs')) files.push(path.join(dir, d.name));
  }
})(out);
const r = spawnSync(process.execPath, ['--test', '--test-reporter=tap', ...files], { stdio: 'inherit', cwd: web });
process.exit(r.status ?? 1);
