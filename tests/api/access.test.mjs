// Access control by role and care team; every denial is in the audit log.
import { test, before, after, describe } from 'node:test';
import assert from 'node:assert/strict';
import { Server, ADMIN_USER, ADMIN_PASSWORD, assertProblem } from './lib/server.mjs';

let srv;
let admin;
const u = {}; // name -> {user, token}
const p = {}; // name -> patient record
const denials = []; // {requestId, userId, what}

/** Record a denied request (403 or 404-as-denial) so the audit test can look for it. */
function denied(r, who, what) {
  const rid = r.headers.get('x-request-id');
  assert.ok(rid, `denial has X-Request-Id: ${what}`);
  denials.push({ requestId: rid, userId: u[who].user.id, what, status: r.status });
  return r;
}

before(async () => {
  srv = await Server.start({ admin: true });
  admin = (await srv.login(ADMIN_USER, ADMIN_PASSWORD)).token;
  p.team = await srv.createPatient(admin, { given_name: 'Teamed', family_name: 'Alpha' });
  p.other = await srv.createPatient(admin, { given_name: 'Outsider', family_name: 'Beta' });
  p.own = await srv.createPatient(admin, { given_name: 'Selfie', family_name: 'Gamma' });
  for (const [name, role, extra] of [
    ['presc', 'prescriber'], ['presc2', 'prescriber'], ['nurse', 'nurse'], ['ther', 'therapist'], ['ther2', 'therapist'],
    ['research', 'researcher'], ['pat', 'patient', { patient_id: p.own.id }],
  ]) {
    u[name] = await srv.createUser(admin, { username: `acl.${name}`, role, ...(extra || {}) });
  }
  for (const [name, capacity] of [['presc', 'prescriber'], ['nurse', 'nurse'], ['ther', 'therapist']]) {
    const r = await srv.post(`/api/v1/patients/${p.team.id}/care-team`, { user_id: u[name].user.id, capacity }, { token: admin });
    assert.equal(r.status, 201, `add ${name} to care team: ${r.text}`);
  }
});
after(async () => { if (srv) await srv.stop(); });

describe('therapist', () => {
  test('reads a care-team patient', async () => {
    const r = await srv.get(`/api/v1/patients/${p.team.id}`, { token: u.ther.token });
    assert.equal(r.status, 200, r.text);
    assert.equal(r.json.id, p.team.id);
    assert.ok(r.json.care_team.some((m) => m.user_id === u.ther.user.id && m.capacity === 'therapist'));
  });

  test('gets 404 (or 403) on a patient outside the care team, for read, update, archive and care-team', async () => {
    const t = u.ther.token;
    const reads = [
      ['GET', `/api/v1/patients/${p.other.id}`],
      ['PATCH', `/api/v1/patients/${p.other.id}`, { version: 1, given_name: 'Hijack' }],
      ['POST', `/api/v1/patients/${p.other.id}/archive`, { version: 1, reason: 'x' }],
      ['GET', `/api/v1/patients/${p.other.id}/care-team`],
    ];
    for (const [m, path, body] of reads) {
      const r = await srv.req(m, path, { token: t, body });
      assertProblem(r, [403, 404]);
      denied(r, 'ther', `${m} ${path}`);
    }
    // A 404 for a forbidden id looks exactly like a 404 for a non-existent id (no existence oracle).
    const forbidden = await srv.get(`/api/v1/patients/${p.other.id}`, { token: t });
    denied(forbidden, 'ther', 'GET other (again)');
    const missing = await srv.get('/api/v1/patients/987654', { token: t });
    if (forbidden.status === 404) {
      assert.equal(missing.status, 404);
      assert.equal(forbidden.json.title, missing.json.title);
      assert.equal(forbidden.json.type, missing.json.type);
    }
    const g = await srv.get(`/api/v1/patients/${p.other.id}`, { token: admin });
    assert.equal(g.json.version, 1, 'nothing changed');
    assert.equal(g.json.archived, false);
  });

  test('the list is filtered to the care team, also for searches and MRN lookups', async () => {
    const all = await srv.listAll(u.ther.token);
    assert.deepEqual(all.map((x) => x.id), [p.team.id]);
    const q = await srv.get('/api/v1/patients?q=outsider', { token: u.ther.token });
    assert.equal(q.status, 200);
    assert.deepEqual(q.json.items, []);
    const m = await srv.get(`/api/v1/patients?mrn=${p.other.mrn}`, { token: u.ther.token });
    assert.deepEqual(m.json.items, []);
  });

  test('a patient created by a therapist has that therapist on the care team', async () => {
    const r = await srv.post('/api/v1/patients', { given_name: 'Made', family_name: 'ByTherapist', birth_date: '1970-05-05', sex_at_birth: 'male' }, { token: u.ther2.token });
    assert.equal(r.status, 201, r.text);
    assert.ok(r.json.care_team.some((m) => m.user_id === u.ther2.user.id && m.capacity === 'therapist'), JSON.stringify(r.json.care_team));
    const g = await srv.get(`/api/v1/patients/${r.json.id}`, { token: u.ther2.token });
    assert.equal(g.status, 200);
    const other = await srv.get(`/api/v1/patients/${r.json.id}`, { token: u.ther.token });
    assertProblem(other, [403, 404]);
    denied(other, 'ther', 'GET therapist2 patient');
  });
});

describe('researcher', () => {
  test('gets 403 on every patient route', async () => {
    const t = u.research.token;
    for (const [m, path, body] of [
      ['GET', '/api/v1/patients'],
      ['GET', `/api/v1/patients/${p.team.id}`],
      ['POST', '/api/v1/patients', { given_name: 'R', family_name: 'S', birth_date: '1980-01-01', sex_at_birth: 'male' }],
      ['PATCH', `/api/v1/patients/${p.team.id}`, { version: 1, given_name: 'R' }],
      ['GET', `/api/v1/patients/${p.team.id}/care-team`],
    ]) {
      const r = await srv.req(m, path, { token: t, body });
      assertProblem(r, 403);
      denied(r, 'research', `${m} ${path}`);
    }
  });
});

describe('patient user', () => {
  test('reads only their own record', async () => {
    const me = await srv.get('/api/v1/auth/me', { token: u.pat.token });
    assert.equal(me.json.user.patient_id, p.own.id);
    const own = await srv.get(`/api/v1/patients/${p.own.id}`, { token: u.pat.token });
    assert.equal(own.status, 200, own.text);
    assert.equal(own.json.id, p.own.id);
    for (const id of [p.team.id, p.other.id]) {
      const r = await srv.get(`/api/v1/patients/${id}`, { token: u.pat.token });
      assertProblem(r, [403, 404]);
      denied(r, 'pat', `GET patient ${id}`);
    }
  });

  test('the list shows only their own record (or is refused)', async () => {
    const r = await srv.get('/api/v1/patients?include_archived=true', { token: u.pat.token });
    if (r.status === 200) {
      assert.deepEqual(r.json.items.map((x) => x.id), [p.own.id]);
    } else {
      assertProblem(r, 403);
      denied(r, 'pat', 'list');
    }
  });

  test('cannot create patients, change the care team, or read the audit', async () => {
    const c = await srv.post('/api/v1/patients', { given_name: 'P', family_name: 'Q', birth_date: '1980-01-01', sex_at_birth: 'male' }, { token: u.pat.token });
    assertProblem(c, 403);
    denied(c, 'pat', 'create');
    const ct = await srv.post(`/api/v1/patients/${p.own.id}/care-team`, { user_id: u.ther2.user.id, capacity: 'therapist' }, { token: u.pat.token });
    assertProblem(ct, 403);
    denied(ct, 'pat', 'care-team add');
    const a = await srv.get('/api/v1/audit', { token: u.pat.token });
    assertProblem(a, 403);
    denied(a, 'pat', 'audit');
  });
});

describe('care team changes', () => {
  test('a nurse on the team cannot add members (403), nothing changes', async () => {
    const r = await srv.post(`/api/v1/patients/${p.team.id}/care-team`, { user_id: u.ther2.user.id, capacity: 'therapist' }, { token: u.nurse.token });
    assertProblem(r, 403);
    denied(r, 'nurse', 'care-team add');
    const t = await srv.get(`/api/v1/patients/${p.team.id}/care-team`, { token: admin });
    assert.equal(t.status, 200, t.text);
    const members = t.json.items ?? t.json.care_team ?? t.json;
    assert.ok(Array.isArray(members), `care-team list: ${t.text}`);
    assert.ok(!members.some((m) => m.user_id === u.ther2.user.id && !m.ended_at), 'therapist2 not added');
    assertProblem(await srv.get(`/api/v1/patients/${p.team.id}`, { token: u.ther2.token }), [403, 404]);
  });

  test('a therapist on the team cannot add members either; nor remove them', async () => {
    const r = await srv.post(`/api/v1/patients/${p.team.id}/care-team`, { user_id: u.ther2.user.id, capacity: 'therapist' }, { token: u.ther.token });
    assertProblem(r, 403);
    denied(r, 'ther', 'care-team add');
    const d = await srv.del(`/api/v1/patients/${p.team.id}/care-team/${u.nurse.user.id}`, { token: u.ther.token });
    assertProblem(d, 403);
    denied(d, 'ther', 'care-team remove');
  });

  test('a prescriber not on the team cannot add members', async () => {
    const r = await srv.post(`/api/v1/patients/${p.team.id}/care-team`, { user_id: u.presc2.user.id, capacity: 'prescriber' }, { token: u.presc2.token });
    assertProblem(r, [403, 404]);
    denied(r, 'presc2', 'care-team add self');
  });

  test('a prescriber on the team adds (201) and removes (204) a member, whose access follows', async () => {
    const add = await srv.post(`/api/v1/patients/${p.team.id}/care-team`, { user_id: u.ther2.user.id, capacity: 'outside_therapist' }, { token: u.presc.token });
    assert.equal(add.status, 201, add.text);
    const g = await srv.get(`/api/v1/patients/${p.team.id}`, { token: u.ther2.token });
    assert.equal(g.status, 200, 'new member can read');
    assert.ok(g.json.care_team.some((m) => m.user_id === u.ther2.user.id && m.capacity === 'outside_therapist'));
    assert.ok((await srv.listAll(u.ther2.token)).some((x) => x.id === p.team.id));

    const rm = await srv.del(`/api/v1/patients/${p.team.id}/care-team/${u.ther2.user.id}`, { token: u.presc.token });
    assert.equal(rm.status, 204, rm.text);
    const after = await srv.get(`/api/v1/patients/${p.team.id}`, { token: u.ther2.token });
    assertProblem(after, [403, 404]);
    denied(after, 'ther2', 'GET after removal');
    assert.ok(!(await srv.listAll(u.ther2.token)).some((x) => x.id === p.team.id));
  });

  test('bad care-team input -> 422 (unknown capacity, unknown user), 404 unknown patient', async () => {
    assertProblem(await srv.post(`/api/v1/patients/${p.team.id}/care-team`, { user_id: u.ther2.user.id, capacity: 'wizard' }, { token: admin }), 422, { field: 'capacity' });
    assertProblem(await srv.post(`/api/v1/patients/${p.team.id}/care-team`, { user_id: 999999, capacity: 'therapist' }, { token: admin }), [404, 422]);
    assertProblem(await srv.post('/api/v1/patients/999999/care-team', { user_id: u.ther2.user.id, capacity: 'therapist' }, { token: admin }), 404);
  });
});

describe('admin-only routes', () => {
  test('non-admins get 403 on the audit and on user creation', async () => {
    for (const who of ['presc', 'nurse', 'ther', 'research']) {
      const a = await srv.get('/api/v1/audit', { token: u[who].token });
      assertProblem(a, 403);
      denied(a, who, 'audit');
      const c = await srv.post('/api/v1/users', { username: `x.${who}`, password: 'long-enough-pw', role: 'admin', display_name: 'X' }, { token: u[who].token });
      assertProblem(c, 403);
      denied(c, who, 'user create');
    }
  });
});

describe('user directory', () => {
  test('staff roles may list users (for picking care-team members); patient and researcher get 403', async () => {
    for (const who of ['presc', 'nurse', 'ther']) {
      const r = await srv.get('/api/v1/users?role=therapist', { token: u[who].token });
      assert.equal(r.status, 200, `${who}: ${r.text}`);
      assert.ok(r.json.items.some((x) => x.id === u.ther.user.id));
      assert.ok(r.json.items.every((x) => x.role === 'therapist'));
      assert.ok(r.json.items.every((x) => x.password === undefined && x.password_hash === undefined));
    }
    for (const who of ['pat', 'research']) {
      const r = await srv.get('/api/v1/users', { token: u[who].token });
      assertProblem(r, 403);
      denied(r, who, 'user list');
    }
  });
});

describe('audit of denials', () => {
  test('every denial above appears in the audit log with outcome "denied" and the acting user', async () => {
    assert.ok(denials.length >= 20, `collected ${denials.length} denials`);
    const log = await srv.audit(admin, '', { max: 100000 });
    const byRid = new Map();
    for (const e of log) {
      if (!byRid.has(e.request_id)) byRid.set(e.request_id, []);
      byRid.get(e.request_id).push(e);
    }
    const missing = [];
    for (const d of denials) {
      const entries = byRid.get(d.requestId) || [];
      const hit = entries.find((e) => e.outcome === 'denied' && e.user_id === d.userId);
      if (!hit) missing.push(`${d.what} (status ${d.status}, request ${d.requestId}): ${JSON.stringify(entries)}`);
    }
    assert.deepEqual(missing, [], `denials missing from the audit log:\n${missing.join('\n')}`);
  });

  test('denied reads of a patient are findable by patient', async () => {
    const items = await srv.audit(admin, `patient=${p.other.id}`);
    const deniedHere = items.filter((e) => e.outcome === 'denied');
    assert.ok(deniedHere.some((e) => e.user_id === u.ther.user.id), 'therapist denial on the other patient is filed under that patient');
    for (const e of items) assert.equal(e.patient_id, p.other.id);
  });
});
