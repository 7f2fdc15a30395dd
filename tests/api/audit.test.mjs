// Audit log: PHI reads and writes are recorded with user, role, action, outcome and request id.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { Server, ADMIN_USER, ADMIN_PASSWORD, assertProblem, minimalPatient, isoUtc } from './lib/server.mjs';

let srv;
let admin;
let adminId;

before(async () => {
  srv = await Server.start({ admin: true });
  const s = await srv.login(ADMIN_USER, ADMIN_PASSWORD);
  admin = s.token;
  adminId = s.user.id;
});
after(async () => { if (srv) await srv.stop(); });

const ENTRY_KEYS = ['id', 'at', 'user_id', 'username', 'role', 'action', 'resource_type', 'resource_id',
  'patient_id', 'outcome', 'request_id', 'client_addr'];

test('create and read of a patient appear under ?patient= with user, role, action, outcome and request id', async () => {
  const createRid = `test-create-${Date.now()}`;
  const c = await srv.post('/api/v1/patients', { ...minimalPatient(), given_name: 'Audited' }, { token: admin, headers: { 'x-request-id': createRid } });
  assert.equal(c.status, 201, c.text);
  assert.equal(c.headers.get('x-request-id'), createRid, 'a sane incoming X-Request-Id is echoed');
  const id = c.json.id;
  const g = await srv.get(`/api/v1/patients/${id}`, { token: admin });
  assert.equal(g.status, 200);
  const readRid = g.headers.get('x-request-id');
  assert.ok(readRid);
  assert.notEqual(readRid, createRid);

  const r = await srv.get(`/api/v1/audit?patient=${id}`, { token: admin });
  assert.equal(r.status, 200, r.text);
  assert.ok(Array.isArray(r.json.items));
  assert.ok('next_before_id' in r.json, 'next_before_id present');
  const items = r.json.items;
  for (const e of items) {
    for (const k of ENTRY_KEYS) assert.ok(k in e, `audit entry has ${k}: ${JSON.stringify(e)}`);
    assert.equal(e.patient_id, id, 'patient filter applied');
  }
  const create = items.find((e) => e.action === 'patient.create');
  const read = items.find((e) => e.action === 'patient.read');
  assert.ok(create, `patient.create present: ${JSON.stringify(items)}`);
  assert.ok(read, `patient.read present: ${JSON.stringify(items)}`);
  for (const [e, rid] of [[create, createRid], [read, readRid]]) {
    assert.equal(e.user_id, adminId);
    assert.equal(e.username, ADMIN_USER);
    assert.equal(e.role, 'admin');
    assert.equal(e.outcome, 'success');
    assert.equal(e.request_id, rid);
    assert.equal(e.resource_type, 'patient');
    assert.equal(String(e.resource_id), String(id));
    assert.ok(isoUtc(e.at), `at is ISO UTC: ${e.at}`);
    assert.match(String(e.client_addr), /^(127\.0\.0\.1|::ffff:127\.0\.0\.1|::1)(:\d+)?$/);
  }
  assert.ok(read.id > create.id, 'ids increase');
  assert.ok(items.indexOf(read) < items.indexOf(create), 'newest first');
  for (let i = 1; i < items.length; i++) assert.ok(items[i - 1].id > items[i].id, 'strictly newest first');
});

test('updates and archives are audited; a failed (409) update is recorded as failure', async () => {
  const p = await srv.createPatient(admin, { given_name: 'Changing' });
  const up = await srv.patch(`/api/v1/patients/${p.id}`, { version: 1, given_name: 'Changed' }, { token: admin });
  assert.equal(up.status, 200);
  const stale = await srv.patch(`/api/v1/patients/${p.id}`, { version: 1, given_name: 'Stale' }, { token: admin });
  assert.equal(stale.status, 409);
  const ar = await srv.post(`/api/v1/patients/${p.id}/archive`, { version: 2, reason: 'test' }, { token: admin });
  assert.equal(ar.status, 200, ar.text);
  const items = await srv.audit(admin, `patient=${p.id}`);
  const byRid = (rid) => items.filter((e) => e.request_id === rid);
  assert.ok(byRid(up.headers.get('x-request-id')).some((e) => e.action === 'patient.update' && e.outcome === 'success'));
  assert.ok(byRid(ar.headers.get('x-request-id')).some((e) => e.action === 'patient.archive' && e.outcome === 'success'));
  const st = byRid(stale.headers.get('x-request-id'));
  assert.ok(st.every((e) => e.outcome !== 'success' || e.action !== 'patient.update'), 'a 409 is not a successful update');
  assert.ok(st.some((e) => e.action === 'patient.update' && e.outcome === 'failure'),
    `409 update audited as failure: ${JSON.stringify(st)}`);
});

test('list, login (success and failure), logout and user.create are audited', async () => {
  const l = await srv.get('/api/v1/patients?q=changed', { token: admin });
  assert.equal(l.status, 200);
  const bad = await srv.post('/api/v1/auth/login', { username: ADMIN_USER, password: 'wrong-password-here' });
  assert.equal(bad.status, 401);
  const cu = await srv.post('/api/v1/users', { username: 'audit.nurse', password: 'nurse-password-1', role: 'nurse', display_name: 'N' }, { token: admin });
  assert.equal(cu.status, 201, cu.text);
  const s = await srv.login('audit.nurse', 'nurse-password-1');
  const lo = await srv.post('/api/v1/auth/logout', undefined, { token: s.token });
  assert.equal(lo.status, 204);

  const items = await srv.audit(admin);
  const find = (r, action, outcome) => items.find((e) => e.request_id === r.headers.get('x-request-id') && e.action === action && e.outcome === outcome);
  assert.ok(find(l, 'patient.list', 'success'), 'patient.list');
  assert.ok(find(bad, 'login', 'failure'), 'failed login');
  assert.ok(find(cu, 'user.create', 'success'), 'user.create');
  const okLogin = find(s.res, 'login', 'success');
  assert.ok(okLogin, 'successful login');
  assert.equal(okLogin.user_id, s.user.id);
  const out = find(lo, 'logout', 'success');
  assert.ok(out, 'logout');
  assert.equal(out.user_id, s.user.id);
  assert.equal(out.role, 'nurse');
});

test('reading the audit is itself audited (audit.read)', async () => {
  const r = await srv.get('/api/v1/audit?limit=1', { token: admin });
  assert.equal(r.status, 200);
  const items = await srv.audit(admin);
  assert.ok(items.some((e) => e.action === 'audit.read' && e.request_id === r.headers.get('x-request-id') && e.outcome === 'success'));
});

test('paging with limit and before_id walks the log newest first without overlap', async () => {
  for (let i = 0; i < 5; i++) await srv.createPatient(admin, { given_name: `Pager${i}` });
  const first = await srv.get('/api/v1/audit?limit=3', { token: admin });
  assert.equal(first.status, 200);
  assert.equal(first.json.items.length, 3);
  assert.equal(typeof first.json.next_before_id, 'number');
  const second = await srv.get(`/api/v1/audit?limit=3&before_id=${first.json.next_before_id}`, { token: admin });
  assert.equal(second.status, 200);
  const a = first.json.items.map((e) => e.id);
  const b = second.json.items.map((e) => e.id);
  assert.ok(b.every((id) => id < Math.min(...a)), `second page older: ${a} / ${b}`);
  assert.ok(b.every((id) => id < first.json.next_before_id));
  const all = await srv.get('/api/v1/audit?limit=200', { token: admin });
  const ids = all.json.items.map((e) => e.id);
  assert.deepEqual([...a, ...b], ids.filter((id) => id <= a[0]).slice(0, 6), 'pages are contiguous');
});

test('user, from and to filters', async () => {
  const s = await srv.createUser(admin, { username: 'audit.filter', role: 'prescriber' });
  const pr = await srv.post('/api/v1/patients', { ...minimalPatient(), given_name: 'Filtered' }, { token: s.token });
  assert.equal(pr.status, 201);
  const byUser = await srv.audit(admin, `user=${s.user.id}`);
  assert.ok(byUser.length >= 2, 'login + create');
  assert.ok(byUser.every((e) => e.user_id === s.user.id));
  assert.ok(byUser.some((e) => e.action === 'patient.create' && e.role === 'prescriber'));

  const future = new Date(Date.now() + 3600e3).toISOString().replace(/\.\d+Z$/, 'Z');
  const r = await srv.get(`/api/v1/audit?from=${future}`, { token: admin });
  assert.equal(r.status, 200, r.text);
  assert.deepEqual(r.json.items, []);
  const past = '2000-01-01T00:00:00Z';
  const r2 = await srv.get(`/api/v1/audit?to=${past}`, { token: admin });
  assert.equal(r2.status, 200, r2.text);
  assert.deepEqual(r2.json.items, []);
  const all = await srv.get(`/api/v1/audit?from=${past}&to=${future}&limit=5`, { token: admin });
  assert.equal(all.json.items.length, 5);
});

test('bad audit query parameters -> 400', async () => {
  for (const q of ['limit=0', 'limit=abc', 'before_id=x', 'from=yesterday', 'patient=abc']) {
    assertProblem(await srv.get(`/api/v1/audit?${q}`, { token: admin }), 400);
  }
});

test('audit entries have no PHI beyond ids (no names in the log)', async () => {
  const p = await srv.createPatient(admin, { given_name: 'Secretname', family_name: 'Hiddenfamily' });
  await srv.get(`/api/v1/patients/${p.id}`, { token: admin });
  const r = await srv.get(`/api/v1/audit?patient=${p.id}`, { token: admin });
  assert.ok(!/Secretname|Hiddenfamily/.test(r.text), 'names do not leak into the audit log');
});
