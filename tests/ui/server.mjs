// What the browser tests run against, on a temporary database and a free loopback port,
// with the built UI and the manual clock:
// - startServer: a generated test city (import of a grid file and a workers file) with the
//   users a test asks for, served by `gridkeeper serve`;
// - startDemo: `gridkeeper demo`, which builds the demo city 翔安区 with its history and
//   its logins (all with DEMO_PASSWORD) when the database is absent.
import { spawn, execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { writeCity } from './city.mjs';

export const PASSWORD = 'grid-keeper-2026';
export const DEMO_PASSWORD = 'gridkeeper-demo';

// users: [{username, role, scope?, worker?}]
export async function startServer({ bin, uiDir, city, users, log = () => {} }) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gridkeeper-ui-'));
  const db = path.join(dir, 'city.db');
  writeCity(city, path.join(dir, 'grids.geojson'), path.join(dir, 'workers.csv'));
  execFileSync(bin, ['import', '--db', db, '--grids', path.join(dir, 'grids.geojson'), '--workers', path.join(dir, 'workers.csv')],
    { stdio: ['ignore', 'ignore', 'inherit'] });
  for (const u of users) {
    const args = ['user', 'add', '--db', db, '--username', u.username, '--role', u.role];
    if (u.scope) args.push('--scope', u.scope);
    if (u.worker) args.push('--worker', u.worker);
    execFileSync(bin, args, { input: `${PASSWORD}\n`, stdio: ['pipe', 'ignore', 'inherit'] });
  }
  return serve({ bin, args: ['serve', '--db', db], uiDir, dir, db, password: PASSWORD, log });
}

// The demo prints its logins once it listens; `logins` holds them as printed:
// [{username, role, where}].
export async function startDemo({ bin, uiDir, log = () => {} }) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gridkeeper-ui-demo-'));
  const db = path.join(dir, 'demo.db');
  const s = await serve({
    bin, args: ['demo', '--db', db], uiDir, dir, db, password: DEMO_PASSWORD, log,
    // Building the city and its history takes a few seconds before it listens.
    ready: /^for example:$/m, startMs: 60000,
  });
  const text = s.output.join('');
  const block = text.slice(text.indexOf('demo logins'), text.indexOf('for example:'));
  s.logins = [...block.matchAll(/^ {2}(\S+) +(admin|operator|supervisor|worker) +(.+)$/gm)]
    .map(([, username, role, where]) => ({ username, role, where: where.trim() }));
  return s;
}

async function serve({ bin, args, uiDir, dir, db, password, log, ready = /http:\/\/127\.0\.0\.1:\d+/, startMs = 15000 }) {
  const child = spawn(bin, [...args, '--listen', '127.0.0.1:0', '--threads', '2', '--ui', uiDir, '--manual-clock'],
    { stdio: ['ignore', 'pipe', 'pipe'] });
  const output = [];
  child.stderr.on('data', (d) => output.push(d.toString()));
  const port = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the server did not start: ${output.join('')}`)), startMs);
    child.stdout.on('data', (d) => {
      output.push(d.toString());
      const all = output.join('');
      const m = /http:\/\/127\.0\.0\.1:(\d+)/.exec(all);
      if (m && ready.test(all)) {
        clearTimeout(timer);
        resolve(Number(m[1]));
      }
    });
    child.on('exit', (code) => reject(new Error(`the server exited (${code}): ${output.join('')}`)));
  });
  const url = `http://127.0.0.1:${port}`;
  log(`server on ${url} (${dir})`);
  const killer = () => child.kill('SIGKILL');
  process.on('exit', killer);

  const tokens = new Map();
  async function request(username, method, p, body) {
    // One login per user, shared by concurrent requests: a burst of logins would be held
    // by the login throttle, which counts each attempt before its password is checked.
    if (!tokens.has(username)) {
      const login = call(null, 'POST', '/api/v1/auth/login', { username, password }).then((r) => r.token);
      tokens.set(username, login);
      login.catch(() => tokens.delete(username));
    }
    return call(await tokens.get(username), method, p, body);
  }
  async function call(token, method, p, body) {
    const res = await fetch(url + p, {
      method,
      headers: { ...(token ? { Authorization: `Bearer ${token}` } : {}), ...(body ? { 'Content-Type': 'application/json' } : {}) },
      body: body ? JSON.stringify(body) : undefined,
    });
    const text = await res.text();
    const json = text ? JSON.parse(text) : null;
    if (!res.ok) throw new Error(`${method} ${p}: ${res.status} ${text}`);
    return json;
  }
  // The server's clock (epoch ms): the manual clock stands still until a test moves it.
  async function now() {
    const res = await fetch(`${url}/healthz`);
    await res.arrayBuffer();
    return Number(res.headers.get('x-server-time'));
  }

  async function stop() {
    process.off('exit', killer);
    if (child.exitCode !== null) return child.exitCode;
    child.kill('SIGTERM');
    const code = await new Promise((resolve) => {
      const timer = setTimeout(() => { child.kill('SIGKILL'); resolve('killed'); }, 10000);
      child.on('exit', (c) => { clearTimeout(timer); resolve(c); });
    });
    fs.rmSync(dir, { recursive: true, force: true });
    return code;
  }

  return { url, port, db, dir, request, call, now, stop, output };
}
