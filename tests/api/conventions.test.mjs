// Cross-cutting conventions: request ids, security headers, health, 404/405, OpenAPI document,
// graceful shutdown.
import { test, before, after, describe } from 'node:test';
import assert from 'node:assert/strict';
import { Server, ADMIN_USER, ADMIN_PASSWORD, assertProblem } from './lib/server.mjs';

let srv;
let token;
let patientId;

before(async () => {
  srv = await Server.start({ admin: true });
  token = (await srv.login(ADMIN_USER, ADMIN_PASSWORD)).token;
  patientId = (await srv.createPatient(token)).id;
});
after(async () => { if (srv) await srv.stop(); });

function checkSecurityHeaders(r, { api = true } = {}) {
  const ctx = `${r.method} ${r.path} -> ${r.status}`;
  const csp = r.headers.get('content-security-policy');
  assert.ok(csp && csp.length > 0, `Content-Security-Policy on ${ctx}`);
  assert.match(csp, /default-src/, `CSP has default-src on ${ctx}: ${csp}`);
  assert.equal(r.headers.get('x-content-type-options'), 'nosniff', `nosniff on ${ctx}`);
  assert.equal(r.headers.get('x-frame-options'), 'DENY', `X-Frame-Options DENY on ${ctx}`);
  assert.equal(r.headers.get('referrer-policy'), 'no-referrer', `Referrer-Policy on ${ctx}`);
  if (api) assert.match(r.headers.get('cache-control') || '', /no-store/, `Cache-Control no-store on ${ctx}`);
  assert.ok(r.headers.get('x-request-id'), `X-Request-Id on ${ctx}`);
}

describe('headers on every response', () => {
  test('X-Request-Id and security headers on success, problem and health responses', async () => {
    const cases = [
      await srv.get('/api/v1/patients', { token }),
      await srv.get(`/api/v1/patients/${patientId}`, { token }),
      await srv.post('/api/v1/patients', { given_name: 'Hdr', family_name: 'X', birth_date: '1980-01-01', sex_at_birth: 'male' }, { token }),
      await srv.get('/api/v1/patients'), // 401
      await srv.get('/api/v1/patients/424242', { token }), // 404
      await srv.req('PUT', '/api/v1/patients', { token }), // 405
      await srv.post('/api/v1/patients', { given_name: 1 }, { token }), // 422
      await srv.req('POST', '/api/v1/patients', { token, raw: '{', headers: { 'content-type': 'application/json' } }), // 400
      await srv.post('/api/v1/auth/login', { username: 'nobody', password: 'nothing-at-all' }), // 401
      await srv.get('/api/v1/no-such-route', { token }), // 404
      await srv.post('/api/v1/auth/login', { username: ADMIN_USER, password: ADMIN_PASSWORD }),
      await srv.get('/api/v1/openapi.json'),
    ];
    for (const r of cases) checkSecurityHeaders(r);
    for (const r of [await srv.get('/healthz'), await srv.get('/readyz')]) checkSecurityHeaders(r, { api: false });
    const ids = cases.map((r) => r.headers.get('x-request-id'));
    assert.equal(new Set(ids).size, ids.length, 'generated request ids are unique');
  });

  test('a sane incoming X-Request-Id is echoed; an insane one is replaced', async () => {
    const sane = 'abc-123_XYZ.9';
    const r = await srv.get('/healthz', { headers: { 'x-request-id': sane } });
    assert.equal(r.headers.get('x-request-id'), sane);
    const p = await srv.get('/api/v1/patients/424242', { token, headers: { 'x-request-id': 'trace-42' } });
    assert.equal(p.headers.get('x-request-id'), 'trace-42');
    assert.equal(p.json.request_id, 'trace-42', 'problem.request_id matches');
    for (const insane of ['x'.repeat(1000), 'has spaces in it', '<script>alert(1)</script>', 'a;b,c"d', '']) {
      const q = await srv.get('/healthz', { headers: { 'x-request-id': insane } });
      const got = q.headers.get('x-request-id');
      assert.ok(got && got.length > 0 && got.length <= 128, `a fresh id for ${JSON.stringify(insane.slice(0, 20))}: ${got}`);
      assert.notEqual(got, insane);
    }
  });

  test('JSON responses are application/json; charset is utf-8 when given', async () => {
    const r = await srv.get(`/api/v1/patients/${patientId}`, { token });
    const ct = r.headers.get('content-type');
    assert.match(ct, /^application\/json(;\s*charset=utf-8)?$/i);
  });
});

describe('health', () => {
  test('/healthz -> 200 {"status":"ok"} without authentication', async () => {
    const r = await srv.get('/healthz');
    assert.equal(r.status, 200);
    assert.deepEqual(r.json, { status: 'ok' });
  });
  test('/readyz -> 200 when the database answers', async () => {
    const r = await srv.get('/readyz');
    assert.equal(r.status, 200, r.text);
  });
});

describe('routing errors', () => {
  test('unknown routes -> 404 problem+json', async () => {
    for (const p of ['/api/v1/no-such-route', '/api/v2/patients', '/api/v1/patients/1/nope']) {
      assertProblem(await srv.get(p, { token }), 404);
    }
    assertProblem(await srv.get('/api/v1/no-such-route'), [401, 404]);
  });

  test('wrong method on a known route -> 405 problem+json with an Allow header', async () => {
    for (const [m, p] of [
      ['PUT', '/api/v1/patients'], ['DELETE', '/api/v1/patients'], ['PATCH', '/api/v1/patients'],
      ['PUT', `/api/v1/patients/${patientId}`], ['GET', '/api/v1/auth/login'], ['DELETE', '/api/v1/audit'],
      ['POST', '/healthz'], ['GET', `/api/v1/patients/${patientId}/archive`],
    ]) {
      const r = await srv.req(m, p, { token });
      assertProblem(r, 405);
      const allow = r.headers.get('allow');
      assert.ok(allow && allow.length > 0, `Allow header on 405 for ${m} ${p}`);
      assert.ok(!allow.split(/,\s*/).includes(m), `Allow (${allow}) does not list ${m}`);
    }
  });
});

// Every method + path template these tests exercise.
const API_ROUTES = [
  ['post', '/api/v1/auth/login'],
  ['post', '/api/v1/auth/logout'],
  ['get', '/api/v1/auth/me'],
  ['get', '/api/v1/users'],
  ['post', '/api/v1/users'],
  ['post', '/api/v1/users/{id}/disable'],
  ['get', '/api/v1/patients'],
  ['post', '/api/v1/patients'],
  ['get', '/api/v1/patients/{id}'],
  ['patch', '/api/v1/patients/{id}'],
  ['post', '/api/v1/patients/{id}/archive'],
  ['get', '/api/v1/patients/{id}/care-team'],
  ['post', '/api/v1/patients/{id}/care-team'],
  ['delete', '/api/v1/patients/{id}/care-team/{user_id}'],
  ['get', '/api/v1/audit'],
];
const OTHER_ROUTES = [
  ['get', '/api/v1/openapi.json'],
  ['get', '/healthz'],
  ['get', '/readyz'],
];

describe('OpenAPI document', () => {
  let doc;
  let templates; // normalized template -> path item

  before(async () => {
    let r = await srv.get('/api/v1/openapi.json');
    if (r.status === 401) r = await srv.get('/api/v1/openapi.json', { token });
    assert.equal(r.status, 200, r.text.slice(0, 300));
    assert.match(r.headers.get('content-type') || '', /json/);
    doc = r.json;
    const prefix = (doc?.servers?.[0]?.url || '').replace(/^https?:\/\/[^/]+/, '').replace(/\/$/, '');
    templates = new Map();
    for (const [p, item] of Object.entries(doc?.paths || {})) {
      const norm = (s) => s.replace(/\{[^}]+\}/g, '{}');
      templates.set(norm(p), item);
      if (prefix && !p.startsWith(prefix)) templates.set(norm(prefix + p), item);
    }
  });

  test('is OpenAPI 3.x with info and paths', () => {
    assert.ok(doc && typeof doc === 'object');
    assert.match(String(doc.openapi), /^3\.\d+\.\d+$/);
    assert.equal(typeof doc.info?.title, 'string');
    assert.equal(typeof doc.info?.version, 'string');
    assert.ok(doc.paths && typeof doc.paths === 'object' && Object.keys(doc.paths).length > 0);
  });

  test('every operation has responses; path parameters are declared; every $ref resolves', () => {
    const problems = [];
    const METHODS = ['get', 'put', 'post', 'delete', 'patch', 'head', 'options'];
    for (const [p, item] of Object.entries(doc.paths)) {
      const names = [...p.matchAll(/\{([^}]+)\}/g)].map((m) => m[1]);
      for (const m of METHODS) {
        const op = item[m];
        if (!op) continue;
        if (!op.responses || Object.keys(op.responses).length === 0) problems.push(`${m} ${p}: no responses`);
        const params = [...(item.parameters || []), ...(op.parameters || [])].map((x) => resolve(doc, x));
        for (const n of names) {
          if (!params.some((x) => x && x.in === 'path' && x.name === n && x.required === true)) {
            problems.push(`${m} ${p}: path parameter {${n}} not declared as required`);
          }
        }
      }
    }
    const walk = (node, where) => {
      if (Array.isArray(node)) node.forEach((x, i) => walk(x, `${where}/${i}`));
      else if (node && typeof node === 'object') {
        for (const [k, v] of Object.entries(node)) {
          if (k === '$ref' && typeof v === 'string') {
            if (!v.startsWith('#/') || resolvePointer(doc, v) === undefined) problems.push(`${where}: unresolved $ref ${v}`);
          } else walk(v, `${where}/${k}`);
        }
      }
    };
    walk(doc, '#');
    assert.deepEqual(problems, []);
  });

  test('covers every /api/v1 route these tests use', () => {
    const missing = API_ROUTES.filter(([m, p]) => !templates.get(p.replace(/\{[^}]+\}/g, '{}'))?.[m]).map(([m, p]) => `${m.toUpperCase()} ${p}`);
    assert.deepEqual(missing, [], `routes missing from openapi.json: ${missing.join(', ')}`);
  });

  test('also describes the health and document routes', () => {
    const missing = OTHER_ROUTES.filter(([m, p]) => !templates.get(p)?.[m]).map(([m, p]) => `${m.toUpperCase()} ${p}`);
    assert.deepEqual(missing, [], `routes missing from openapi.json: ${missing.join(', ')}`);
  });
});

function resolvePointer(doc, ref) {
  let node = doc;
  for (const part of ref.slice(2).split('/')) {
    const key = part.replace(/~1/g, '/').replace(/~0/g, '~');
    if (node == null || typeof node !== 'object' || !(key in node)) return undefined;
    node = node[key];
  }
  return node;
}
function resolve(doc, x) {
  return x && x.$ref ? resolvePointer(doc, x.$ref) : x;
}

describe('shutdown', () => {
  test('SIGTERM stops the server gracefully with exit code 0', async () => {
    const s = await Server.start({ admin: true });
    assert.equal((await s.get('/healthz')).status, 200);
    const res = await s.stop();
    assert.deepEqual(res, { code: 0, signal: null }, `stderr tail: ${s.stderrTail.slice(-2000)}`);
  });

  test('SIGINT stops the server gracefully with exit code 0', async () => {
    const s = await Server.start({ admin: true });
    assert.equal((await s.get('/healthz')).status, 200);
    s.proc.kill('SIGINT');
    const res = await Promise.race([s.exited, new Promise((r) => setTimeout(() => r('timeout'), 10000))]);
    await s.stop();
    assert.deepEqual(res, { code: 0, signal: null });
  });

  test('stderr carries JSON-lines logs; stdout only the listening line', async () => {
    const s = await Server.start({ admin: true });
    await s.get('/healthz');
    await s.stop();
    const outLines = s.stdout.split('\n').filter(Boolean);
    assert.equal(outLines.length, 1, `stdout: ${s.stdout}`);
    assert.match(outLines[0], /^OpenKAP listening on http:\/\/127\.0\.0\.1:\d+$/);
    const errLines = s.stderrTail.split('\n').filter(Boolean);
    assert.ok(errLines.length > 0, 'some logs on stderr');
    const bad = errLines.filter((l) => { try { JSON.parse(l); return false; } catch { return true; } });
    assert.deepEqual(bad.slice(0, 5), [], 'every stderr line is JSON');
  });
});
