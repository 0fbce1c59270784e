// One helper sets up what the browser tests run against: a temporary database holding a
// test city (import of a generated grid file and workers file) with a user of every role,
// and `gridkeeper serve` on a free loopback port with the built UI and the manual clock.
// (When `gridkeeper demo` lands, this is the one place to switch to it.)
import { spawn, execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { writeCity } from './city.mjs';

export const PASSWORD = 'grid-keeper-2026';

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
  const child = spawn(bin, ['serve', '--db', db, '--listen', '127.0.0.1:0', '--threads', '2', '--ui', uiDir, '--manual-clock'],
    { stdio: ['ignore', 'pipe', 'pipe'] });
  const output = [];
  child.stderr.on('data', (d) => output.push(d.toString()));
  const port = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the server did not start: ${output.join('')}`)), 15000);
    child.stdout.on('data', (d) => {
      output.push(d.toString());
      const m = /http:\/\/127\.0\.0\.1:(\d+)/.exec(output.join(''));
      if (m) {
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
    if (!tokens.has(username)) tokens.set(username, (await call(null, 'POST', '/api/v1/auth/login', { username, password: PASSWORD })).token);
    return call(tokens.get(username), method, p, body);
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

  return { url, port, db, dir, request, call, stop, output };
}
