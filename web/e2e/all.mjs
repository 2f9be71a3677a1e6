// Loads every e2e/*.e2e.mjs (sorted) so node:test runs them in one process,
// one after another. AW_E2E_ONLY=<substring> filters the files.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const dir = path.dirname(fileURLToPath(import.meta.url));
const only = process.env.AW_E2E_ONLY ?? '';
for (const f of fs.readdirSync(dir).filter((f) => f.endsWith('.e2e.mjs') && f.includes(only)).sort()) {
  await import(pathToFileURL(path.join(dir, f)).href);
}
