// Shared helpers for the black-box API tests: start `openkap serve` on a fresh temporary
// database, talk to it over real HTTP, and stop it. No npm dependencies (Node >= 20).
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import assert from 'node:assert/strict';

export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
export const BIN = path.resolve(REPO_ROOT, process.env.OPENKAP_BIN || 'build/openkap');

export const ADMIN_USER = 'admin';
export const ADMIN_PASSWORD = 'admin-password-123';
export const DEMO_PASSWORD = 'openkap-demo';

const LISTEN_RE = /OpenKAP listening on (http:\/\/127\.0\.0\.1:(\d+))/;

export function binaryPresent() {
  return existsSync(BIN);
}

/** Run an `openkap` subcommand synchronously; returns {code, stdout, stderr}. */
export function cli(args, { input, timeoutMs = 30000 } = {}) {
  const r = spawnSync(BIN, args, { input: input ?? '', encoding: 'utf8', timeout: timeoutMs });
  if (r.error) throw r.error;
  return { code: r.status, signal: r.signal, stdout: r.stdout, stderr: r.stderr };
}

/** Create a user with the CLI (`user add ... --password-stdin`); throws when it fails. */
export function cliUserAdd(db, username, role, password) {
  const r = cli(['user', 'add', '--db', db, '--username', username, '--role', role, '--password-stdin'],
    { input: password + '\n' });
  if (r.code !== 0) {
    throw new Error(`openkap user add ${username} failed (exit ${r.code}): ${r.stderr}`);
  }
  return r;
}

export function makeTempDir(prefix = 'openkap-api-') {
  return mkdtempSync(path.join(tmpdir(), prefix));
}

/**
 * A running `openkap serve`. Use `await Server.start({admin: true})` or `{demo: true}`.
 */
export class Server {
  constructor() {
    this.dir = null;
    this.db = null;
    this.proc = null;
    this.base = null;
    this.port = null;
    this.stderrTail = '';
    this.stdout = '';
    this.exit = null; // {code, signal} once exited
    this.exited = null; // promise
    this.startMs = 0; // ms from spawn to the listening line
  }

  static async start({ admin = true, demo = false, extraArgs = [], timeoutMs = 30000 } = {}) {
    const s = new Server();
    s.dir = makeTempDir();
    s.db = path.join(s.dir, 'openkap.db');
    if (!demo) {
      const m = cli(['migrate', '--db', s.db]);
      if (m.code !== 0) throw new Error(`openkap migrate failed (exit ${m.code}): ${m.stderr}`);
    }
    if (admin && !demo) cliUserAdd(s.db, ADMIN_USER, 'admin', ADMIN_PASSWORD);
    const args = ['serve', '--db', s.db, '--listen', '127.0.0.1:0', ...(demo ? ['--demo'] : []), ...extraArgs];
    await s.#spawn(args, timeoutMs);
    return s;
  }

  async #spawn(args, timeoutMs) {
    const t0 = performance.now();
    this.proc = spawn(BIN, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    this.exited = new Promise((resolve) => {
      this.proc.on('exit', (code, signal) => {
        this.exit = { code, signal };
        resolve(this.exit);
      });
    });
    this.proc.stderr.setEncoding('utf8');
    this.proc.stderr.on('data', (d) => {
      this.stderrTail = (this.stderrTail + d).slice(-20000);
    });
    this.proc.stdout.setEncoding('utf8');
    await new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        reject(new Error(`server did not print its listening line within ${timeoutMs} ms.\n` +
          `stdout: ${this.stdout}\nstderr tail: ${this.stderrTail}`));
      }, timeoutMs);
      this.proc.stdout.on('data', (d) => {
        this.stdout = (this.stdout + d).slice(-20000);
        const m = LISTEN_RE.exec(this.stdout);
        if (m && !this.base) {
          this.base = m[1];
          this.port = Number(m[2]);
          this.startMs = performance.now() - t0;
          clearTimeout(timer);
          resolve();
        }
      });
      this.proc.on('error', (e) => { clearTimeout(timer); reject(e); });
      this.exited.then((e) => {
        clearTimeout(timer);
        if (!this.base) {
          reject(new Error(`server exited (${JSON.stringify(e)}) before listening.\nstderr: ${this.stderrTail}`));
        }
      });
    });
  }

  /** SIGTERM, wait for exit (SIGKILL after timeoutMs), remove the temp dir. Returns {code, signal}. */
  async stop({ timeoutMs = 10000, keepDir = false } = {}) {
    let result = this.exit;
    if (this.proc && !this.exit) {
      this.proc.kill('SIGTERM');
      let timer;
      const killed = new Promise((resolve) => {
        timer = setTimeout(() => {
          if (!this.exit) this.proc.kill('SIGKILL');
          resolve({ code: null, signal: 'SIGKILL (timeout after SIGTERM)' });
        }, timeoutMs);
      });
      result = await Promise.race([this.exited, killed]);
      clearTimeout(timer);
      await this.exited;
    }
    if (this.dir && !keepDir) {
      rmSync(this.dir, { recursive: true, force: true });
    }
    return result;
  }

  /** Raw HTTP request. Returns {status, headers, text, json}. */
  async req(method, urlPath, { token, body, raw, headers = {}, cookie } = {}) {
    const h = { ...headers };
    if (token) h.authorization = `Bearer ${token}`;
    if (cookie) h.cookie = cookie;
    let payload;
    if (raw !== undefined) {
      payload = raw;
    } else if (body !== undefined) {
      payload = JSON.stringify(body);
      if (!Object.keys(h).some((k) => k.toLowerCase() === 'content-type')) h['content-type'] = 'application/json';
    }
    const res = await fetch(this.base + urlPath, { method, headers: h, body: payload, redirect: 'manual' });
    const text = await res.text();
    let json;
    try { json = text ? JSON.parse(text) : undefined; } catch { json = undefined; }
    return { status: res.status, headers: res.headers, text, json, method, path: urlPath };
  }

  get(p, o) { return this.req('GET', p, o); }
  post(p, body, o = {}) { return this.req('POST', p, { ...o, body }); }
  patch(p, body, o = {}) { return this.req('PATCH', p, { ...o, body }); }
  del(p, o) { return this.req('DELETE', p, o); }

  /** Log in; asserts 200 and returns {token, csrf_token, user, res}. */
  async login(username, password) {
    const r = await this.post('/api/v1/auth/login', { username, password });
    assert.equal(r.status, 200, `login ${username}: ${r.status} ${r.text}`);
    return { ...r.json, res: r };
  }

  /** Create a user through the API as admin; returns {user, token} (token only when login=true). */
  async createUser(adminToken, { username, role, password = 'user-password-123', display_name, patient_id, login = true }) {
    const body = { username, password, role, display_name: display_name ?? username };
    if (patient_id !== undefined) body.patient_id = patient_id;
    const r = await this.post('/api/v1/users', body, { token: adminToken });
    assert.equal(r.status, 201, `create user ${username}: ${r.status} ${r.text}`);
    const out = { user: r.json.user ?? r.json };
    if (login) out.token = (await this.login(username, password)).token;
    return out;
  }

  /** Create a patient; asserts 201 and returns the record. */
  async createPatient(token, fields = {}) {
    const body = { ...minimalPatient(), ...fields };
    const r = await this.post('/api/v1/patients', body, { token });
    assert.equal(r.status, 201, `create patient: ${r.status} ${r.text}`);
    return r.json;
  }

  /** All patient summaries visible to `token` (pages through; includes archived by default). */
  async listAll(token, query = 'include_archived=true') {
    const items = [];
    for (let offset = 0; ; offset += 200) {
      const r = await this.get(`/api/v1/patients?${query}${query ? '&' : ''}limit=200&offset=${offset}`, { token });
      assert.equal(r.status, 200, `list patients: ${r.status} ${r.text}`);
      items.push(...r.json.items);
      if (!r.json.has_more) break;
      if (offset > 100000) throw new Error('runaway paging');
    }
    return items;
  }

  async countPatients(adminToken) {
    return (await this.listAll(adminToken)).length;
  }

  /** Audit entries (newest first) for a query string, following next_before_id. */
  async audit(adminToken, query = '', { max = 5000 } = {}) {
    const items = [];
    let before = null;
    for (;;) {
      const q = [query, 'limit=200', before != null ? `before_id=${before}` : ''].filter(Boolean).join('&');
      const r = await this.get(`/api/v1/audit?${q}`, { token: adminToken });
      assert.equal(r.status, 200, `audit: ${r.status} ${r.text}`);
      items.push(...r.json.items);
      before = r.json.next_before_id;
      if (before == null || items.length >= max || r.json.items.length === 0) break;
    }
    return items;
  }
}

export function minimalPatient() {
  return { given_name: 'Test', family_name: 'Patient', birth_date: '1980-01-15', sex_at_birth: 'female' };
}

/** Assert an RFC 9457 problem response. */
export function assertProblem(r, status, { field, fieldPrefix, requireField = false } = {}) {
  const ctx = `${r.method} ${r.path} -> ${r.status} ${r.text?.slice(0, 500)}`;
  if (Array.isArray(status)) assert.ok(status.includes(r.status), `expected one of ${status}: ${ctx}`);
  else assert.equal(r.status, status, `expected ${status}: ${ctx}`);
  const ct = r.headers.get('content-type') || '';
  assert.match(ct, /^application\/problem\+json/, `content-type should be application/problem+json (${ct}): ${ctx}`);
  assert.ok(r.json && typeof r.json === 'object', `problem body is JSON: ${ctx}`);
  assert.equal(typeof r.json.type, 'string', `problem.type: ${ctx}`);
  assert.equal(typeof r.json.title, 'string', `problem.title: ${ctx}`);
  assert.equal(r.json.status, r.status, `problem.status equals HTTP status: ${ctx}`);
  assert.equal(typeof r.json.detail, 'string', `problem.detail: ${ctx}`);
  assert.ok(r.json.detail.length > 0, `problem.detail non-empty: ${ctx}`);
  if (field !== undefined) assert.equal(r.json.field, field, `problem.field: ${ctx}`);
  if (fieldPrefix !== undefined) {
    assert.equal(typeof r.json.field, 'string', `problem.field: ${ctx}`);
    assert.ok(r.json.field.startsWith(fieldPrefix), `problem.field starts with ${fieldPrefix}: ${ctx}`);
  }
  if (requireField) assert.ok('field' in r.json, `problem.field present: ${ctx}`);
}

export function isoUtc(s) {
  return typeof s === 'string' && /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/.test(s);
}

/** Standard Luhn: the last digit makes the whole string valid. */
export function luhnValid(digits) {
  let sum = 0;
  let dbl = false;
  for (let i = digits.length - 1; i >= 0; i--) {
    let d = digits.charCodeAt(i) - 48;
    if (dbl) { d *= 2; if (d > 9) d -= 9; }
    sum += d;
    dbl = !dbl;
  }
  return sum % 10 === 0;
}

/** Cookie header value from a response's Set-Cookie lines. */
export function cookiesFrom(res) {
  const lines = res.headers.getSetCookie ? res.headers.getSetCookie() : [];
  const jar = {};
  const attrs = {};
  for (const line of lines) {
    const [pair, ...rest] = line.split(';');
    const i = pair.indexOf('=');
    const name = pair.slice(0, i).trim();
    jar[name] = pair.slice(i + 1).trim();
    attrs[name] = rest.map((a) => a.trim());
  }
  return { jar, attrs, lines };
}

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
