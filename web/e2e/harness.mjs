// Browser end-to-end harness: the real release binary + Debian's chromium,
// driven by playwright-core, run by node:test (see web/e2e/README in
// CONTRIBUTING-ui.md). Small API:
//
//   const srv = await startServer({ env })   // {url, port, dataDir, stop(), logTail()}
//   const browser = await launchBrowser()
//   const page = await newPage(browser, { timezoneId })  // page.awErrors: JS errors seen
//   await login(page, email, password)       // signs in through the form
//   await goto(page, '/incidents/<id>')      // in-app navigation (no reload)
//   const token = await apiLogin(email, password)
//   const { status, body, headers } = await api(token, 'GET', '/api/incidents')
//   await screenshot(page, 'queue-admin')    // e2e/screenshots/queue-admin-1280.png and -390.png
//   await stopAll()                          // browser(s) and server(s) started here
//
// The server runs with AW_DEMO=true (demo companies and users, DEMO below),
// AW_TEST_MODE=1 and AW_WEB_DIR=web/dist on a free port and a fresh data dir.
// No browser is ever downloaded: chromium comes from Debian (/usr/bin/chromium,
// or AW_CHROMIUM).

import { spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const here = path.dirname(fileURLToPath(import.meta.url));
export const WEB_DIR = path.resolve(here, '..');
export const REPO_DIR = path.resolve(WEB_DIR, '..');
export const SCREENSHOT_DIR = path.join(here, 'screenshots');
const BINARY = path.resolve(process.env.AW_BINARY ?? path.join(REPO_DIR, 'build', 'alertwhisperer'));
const CHROMIUM = process.env.AW_CHROMIUM ?? '/usr/bin/chromium';

export const DEMO = {
  admin: { email: 'admin@alertwhisperer.com', password: 'admin123' },
  acme: {
    id: 'comp-acme',
    company: { email: 'company@acme.com', password: 'company123' },
    tech: { email: 'tech@acme.com', password: 'tech123' },
    client: { email: 'client@acme.com', password: 'client123' },
  },
  techstart: {
    id: 'comp-techstart',
    company: { email: 'company@techstart.com', password: 'company123' },
    tech: { email: 'tech@techstart.com', password: 'tech123' },
    client: { email: 'client@techstart.com', password: 'client123' },
  },
  global: {
    id: 'comp-global',
    company: { email: 'company@global.com', password: 'company123' },
    tech: { email: 'tech@global.com', password: 'tech123' },
    client: { email: 'client@global.com', password: 'client123' },
  },
};

const SCRUBBED_ENV = [
  'JWT_SECRET', 'JWT_ALGORITHM', 'JWT_EXPIRATION_HOURS', 'PORT', 'AW_DATA_DIR', 'AW_STORE', 'AW_DEMO',
  'AW_MASTER_KEY', 'DYNAMODB_ENDPOINT', 'DYNAMODB_TABLE_PREFIX', 'AWS_REGION', 'AWS_ACCESS_KEY_ID',
  'AWS_SECRET_ACCESS_KEY', 'AWS_SESSION_TOKEN', 'GEMINI_API_KEY',
];

const started = { servers: [], browsers: [], procs: [] };
let baseUrl = null;
let uiUrl = null;

export function freePort() {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.unref();
    s.on('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** Starts the binary; resolves once /api/health answers. `env` adds/overrides variables (null removes). */
export async function startServer({ env = {}, timeoutMs = 30_000 } = {}) {
  if (!fs.existsSync(BINARY)) throw new Error(`no binary at ${BINARY} (make build, or set AW_BINARY)`);
  const dist = path.join(WEB_DIR, 'dist');
  if (!fs.existsSync(path.join(dist, 'index.html'))) throw new Error('web/dist is missing: run `npm run build` first');
  const port = await freePort();
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'aw-e2e-'));
  const childEnv = { ...process.env };
  for (const k of SCRUBBED_ENV) delete childEnv[k];
  Object.assign(childEnv, { AW_DEMO: 'true', AW_TEST_MODE: '1', AW_WEB_DIR: dist });
  for (const [k, v] of Object.entries(env)) {
    if (v === null || v === undefined) delete childEnv[k];
    else childEnv[k] = String(v);
  }
  const logPath = path.join(dataDir, 'server.log');
  const log = fs.openSync(logPath, 'a');
  const proc = spawn(BINARY, ['serve', '--port', String(port), '--data-dir', path.join(dataDir, 'data')], {
    env: childEnv,
    stdio: ['ignore', log, log],
  });
  const url = `http://127.0.0.1:${port}`;
  const srv = {
    url,
    port,
    dataDir,
    proc,
    logTail: (n = 40) => {
      try {
        return fs.readFileSync(logPath, 'utf8').split('\n').slice(-n).join('\n');
      } catch {
        return '';
      }
    },
    async stop() {
      if (proc.exitCode === null && proc.signalCode === null) {
        proc.kill('SIGTERM');
        const exited = await Promise.race([new Promise((r) => proc.once('exit', () => r(true))), sleep(10_000).then(() => false)]);
        if (!exited) proc.kill('SIGKILL');
      }
      fs.closeSync(log);
      fs.rmSync(dataDir, { recursive: true, force: true });
      started.servers = started.servers.filter((s) => s !== srv);
    },
  };
  started.servers.push(srv);
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (proc.exitCode !== null) throw new Error(`the server exited (${proc.exitCode}):\n${srv.logTail()}`);
    try {
      const r = await fetch(`${url}/api/health`);
      if (r.ok) break;
    } catch {
      /* not up yet */
    }
    if (Date.now() > deadline) {
      await srv.stop();
      throw new Error(`the server did not answer /api/health within ${timeoutMs} ms`);
    }
    await sleep(100);
  }
  baseUrl = url;
  uiUrl = url;
  if (process.env.AW_E2E_VITE_PREVIEW) {
    // Development only: a binary that does not serve the UI yet, behind `vite preview`'s proxy.
    const uiPort = await freePort();
    const vite = spawn(path.join(WEB_DIR, 'node_modules', '.bin', 'vite'), ['preview', '--port', String(uiPort), '--strictPort'], {
      cwd: WEB_DIR,
      env: { ...process.env, AW_API: url },
      stdio: 'ignore',
    });
    started.procs.push(vite);
    uiUrl = `http://127.0.0.1:${uiPort}`;
    await waitFor(async () => (await fetch(uiUrl + '/')).ok, { what: 'vite preview' });
  }
  srv.uiUrl = uiUrl;
  return srv;
}

/** The URL of the last started server's UI (the server itself in production). */
export function lastServerUrl() {
  return uiUrl;
}

/** Calls the API as `token` (null: anonymous) on the last started server. */
export async function api(token, method, urlPath, body, { headers = {}, server } = {}) {
  const base = server?.url ?? baseUrl;
  const h = { Accept: 'application/json', ...headers };
  if (token) h.Authorization = `Bearer ${token}`;
  if (body !== undefined) h['Content-Type'] = 'application/json';
  const r = await fetch(base + urlPath, { method, headers: h, body: body === undefined ? undefined : JSON.stringify(body) });
  const text = await r.text();
  let parsed = null;
  try {
    parsed = text ? JSON.parse(text) : null;
  } catch {
    parsed = text;
  }
  return { status: r.status, body: parsed, headers: r.headers };
}

/** An access token for a user (password login over the API). */
export async function apiLogin(email, password) {
  const r = await api(null, 'POST', '/api/auth/login', { email, password });
  if (r.status !== 200) throw new Error(`login of ${email} failed: ${r.status} ${JSON.stringify(r.body)}`);
  return r.body.access_token;
}

/** Posts one alert to the webhook with a company's API key. */
export async function postAlert(apiKey, alert) {
  return api(null, 'POST', `/api/webhooks/alerts?api_key=${encodeURIComponent(apiKey)}`, {
    tool_source: 'Datadog',
    severity: 'high',
    message: 'test alert',
    ...alert,
  });
}

export async function launchBrowser() {
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  started.browsers.push(browser);
  return browser;
}

/**
 * A page in a fresh context (own cookies) at 1280×800. `page.awErrors` collects
 * uncaught page errors and console errors (network status lines such as
 * "Failed to load resource: … 409" are the browser's, not the app's, and are left out).
 */
export async function newPage(browser, { viewport = { width: 1280, height: 800 }, timezoneId, colorScheme } = {}) {
  const context = await browser.newContext({ viewport, timezoneId, colorScheme, locale: 'en-GB' });
  const page = await context.newPage();
  page.setDefaultTimeout(10_000);
  page.awErrors = [];
  page.on('pageerror', (e) => page.awErrors.push(`pageerror: ${e.message}`));
  page.on('console', (m) => {
    if (m.type() === 'error' && !/Failed to load resource/.test(m.text())) page.awErrors.push(`console: ${m.text()}`);
  });
  return page;
}

/** Signs in through the login form and waits for the app's shell. */
export async function login(page, email, password, { server } = {}) {
  const base = server?.uiUrl ?? uiUrl;
  await page.goto(base + '/');
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByTestId('user-chip').waitFor({ state: 'attached' });
}

/** Navigates inside the app (history + popstate: no reload, the session stays in memory). */
export async function goto(page, urlPath) {
  await page.evaluate((p) => {
    window.history.pushState({}, '', p);
    window.dispatchEvent(new PopStateEvent('popstate'));
  }, urlPath);
}

/** Saves e2e/screenshots/<name>-1280.png and <name>-390.png (the viewport is restored). */
export async function screenshot(page, name) {
  fs.mkdirSync(SCREENSHOT_DIR, { recursive: true });
  const before = page.viewportSize();
  for (const [w, h] of [[1280, 800], [390, 844]]) {
    await page.setViewportSize({ width: w, height: h });
    await sleep(150);
    await page.screenshot({ path: path.join(SCREENSHOT_DIR, `${name}-${w}.png`) });
  }
  if (before) await page.setViewportSize(before);
}

/** Polls `fn` until it returns a truthy value (or throws after `timeoutMs`). */
export async function waitFor(fn, { timeoutMs = 10_000, intervalMs = 100, what = 'condition' } = {}) {
  const deadline = Date.now() + timeoutMs;
  let last;
  for (;;) {
    try {
      last = await fn();
      if (last) return last;
    } catch (e) {
      last = e;
    }
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}: ${last instanceof Error ? last.message : JSON.stringify(last)}`);
    await sleep(intervalMs);
  }
}

/**
 * Starts the AWS SSM/STS stand-in of the API tests (tests/api/fakes/aws_standin.py;
 * python3 + botocore). Every instance's run succeeds with `output` unless set otherwise.
 * Resolves {url, stop()}.
 */
export async function startAwsStandin({ credentials, output = 'ok\n' }) {
  const script = path.join(here, 'aws_standin_run.py');
  const proc = spawn('python3', [script, JSON.stringify({ credentials, output })], {
    cwd: path.join(REPO_DIR, 'tests', 'api'),
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  started.procs.push(proc);
  const url = await new Promise((resolve, reject) => {
    let buf = '';
    proc.stdout.on('data', (d) => {
      buf += d;
      const m = buf.match(/^URL (\S+)/m);
      if (m) resolve(m[1]);
    });
    proc.once('exit', (code) => reject(new Error(`the AWS stand-in exited (${code})`)));
  });
  return {
    url,
    async stop() {
      proc.stdin.end();
      proc.kill('SIGTERM');
    },
  };
}

/** Stops everything this harness started (call in after()). */
export async function stopAll() {
  for (const b of started.browsers.splice(0)) await b.close().catch(() => undefined);
  for (const s of [...started.servers]) await s.stop().catch(() => undefined);
  for (const p of started.procs.splice(0)) p.kill('SIGTERM');
}
