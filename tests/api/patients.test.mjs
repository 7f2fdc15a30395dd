// Patients: create, read, optimistic concurrency, search, paging, archive.
import { test, before, after, describe } from 'node:test';
import assert from 'node:assert/strict';
import {
  Server, ADMIN_USER, ADMIN_PASSWORD, assertProblem, minimalPatient, isoUtc, luhnValid,
} from './lib/server.mjs';

let srv;
let token;

before(async () => {
  srv = await Server.start({ admin: true });
  token = (await srv.login(ADMIN_USER, ADMIN_PASSWORD)).token;
});
after(async () => { if (srv) await srv.stop(); });

const FULL = {
  given_name: 'Ana', family_name: 'Souza', birth_date: '1988-04-02', sex_at_birth: 'female',
  gender_identity: 'woman', pronouns: 'she/her', race: ['white', 'black_or_african_american'],
  ethnicity: 'hispanic_or_latino', preferred_language: 'pt', phone: '+1 555 0100', email: 'ana@example.org',
  address: { line1: '1 Main St', line2: 'Apt 2', city: 'Springfield', region: 'OR', postal_code: '97477', country: 'US' },
  emergency_contact: { name: 'João Souza', relationship: 'brother', phone: '+1 555 0101' },
  escort_contact: { name: 'Maria Souza', phone: '+1 555 0102' },
  diagnoses: [{ code: 'F33.2', text: 'Major depressive disorder, recurrent, severe' }],
  referral: { referring_user_id: null, referrer_name: 'Dr. X', referrer_contact: 'x@example.org', reason: 'TRD', notes: 'n', referral_date: '2026-01-01' },
};

describe('create and read', () => {
  let created;
  let createRes;

  test('POST /patients -> 201 with id, MRN, version 1, Location', async () => {
    createRes = await srv.post('/api/v1/patients', FULL, { token });
    assert.equal(createRes.status, 201, createRes.text);
    created = createRes.json;
    assert.equal(typeof created.id, 'number');
    assert.ok(Number.isInteger(created.id) && created.id > 0);
    assert.match(created.mrn, /^OK-\d{6}-\d$/);
    const digits = created.mrn.slice(3, 9) + created.mrn.slice(10);
    assert.ok(luhnValid(digits), `MRN check digit is a Luhn check digit: ${created.mrn}`);
    assert.equal(created.version, 1);
    assert.equal(created.archived, false);
    assert.equal(created.status, 'referred', 'status defaults to referred');
    const loc = createRes.headers.get('location');
    assert.ok(loc, 'Location header');
    assert.ok(loc === `/api/v1/patients/${created.id}` || loc.endsWith(`/api/v1/patients/${created.id}`), `Location: ${loc}`);
    assert.ok(isoUtc(created.created_at), `created_at: ${created.created_at}`);
    assert.ok(isoUtc(created.updated_at), `updated_at: ${created.updated_at}`);
    assert.ok(Array.isArray(created.status_history) && created.status_history.length === 1);
    assert.equal(created.status_history[0].status, 'referred');
    assert.equal(created.status_history[0].changed_by, ADMIN_USER);
    assert.ok(isoUtc(created.status_history[0].changed_at));
    assert.ok(Array.isArray(created.care_team));
    // Every supplied field comes back as given.
    for (const [k, v] of Object.entries(FULL)) {
      if (k === 'referral') {
        for (const [rk, rv] of Object.entries(v)) assert.deepEqual(created.referral[rk], rv, `referral.${rk}`);
      } else {
        assert.deepEqual(created[k], v, k);
      }
    }
  });

  test('GET /patients/{id} -> 200, same record, ETag "1"', async () => {
    const r = await srv.get(`/api/v1/patients/${created.id}`, { token });
    assert.equal(r.status, 200, r.text);
    assert.deepEqual(r.json, created);
    assert.equal(r.headers.get('etag'), '"1"');
    assert.match(r.headers.get('content-type') || '', /^application\/json/);
  });

  test('MRNs are unique and sequential-looking', async () => {
    const a = await srv.createPatient(token, { given_name: 'Mrn', family_name: 'One' });
    const b = await srv.createPatient(token, { given_name: 'Mrn', family_name: 'Two' });
    assert.notEqual(a.mrn, b.mrn);
    assert.ok(b.id > a.id);
    assert.ok(Number(b.mrn.slice(3, 9)) > Number(a.mrn.slice(3, 9)));
  });

  test('GET unknown id -> 404 problem+json; non-numeric id -> 404 or 400', async () => {
    assertProblem(await srv.get('/api/v1/patients/999999', { token }), 404);
    assertProblem(await srv.get('/api/v1/patients/abc', { token }), [400, 404]);
    assertProblem(await srv.patch('/api/v1/patients/999999', { version: 1, given_name: 'X' }, { token }), 404);
  });
});

describe('update with optimistic concurrency', () => {
  let p;
  before(async () => { p = await srv.createPatient(token, { given_name: 'Version', family_name: 'Check' }); });

  test('PATCH with version -> 200, version 2, changed field, others unchanged, MRN unchanged', async () => {
    const r = await srv.patch(`/api/v1/patients/${p.id}`, { version: 1, given_name: 'Versioned', phone: '+1 555 0199' }, { token });
    assert.equal(r.status, 200, r.text);
    assert.equal(r.json.version, 2);
    assert.equal(r.json.given_name, 'Versioned');
    assert.equal(r.json.phone, '+1 555 0199');
    assert.equal(r.json.family_name, 'Check');
    assert.equal(r.json.birth_date, p.birth_date);
    assert.equal(r.json.mrn, p.mrn);
    assert.equal(r.json.created_at, p.created_at);
    const g = await srv.get(`/api/v1/patients/${p.id}`, { token });
    assert.equal(g.json.version, 2);
    assert.equal(g.json.given_name, 'Versioned');
    assert.equal(g.headers.get('etag'), '"2"');
  });

  test('stale version -> 409 and nothing changed', async () => {
    const r = await srv.patch(`/api/v1/patients/${p.id}`, { version: 1, given_name: 'Stale' }, { token });
    assertProblem(r, 409);
    const g = await srv.get(`/api/v1/patients/${p.id}`, { token });
    assert.equal(g.json.version, 2);
    assert.equal(g.json.given_name, 'Versioned');
  });

  test('If-Match: "N" works as the version; stale If-Match -> 409', async () => {
    const r = await srv.patch(`/api/v1/patients/${p.id}`, { family_name: 'Matched' }, { token, headers: { 'if-match': '"2"' } });
    assert.equal(r.status, 200, r.text);
    assert.equal(r.json.version, 3);
    assert.equal(r.json.family_name, 'Matched');
    assertProblem(await srv.patch(`/api/v1/patients/${p.id}`, { family_name: 'Late' }, { token, headers: { 'if-match': '"2"' } }), 409);
  });

  test('PATCH without version or If-Match is refused (4xx) and changes nothing', async () => {
    const r = await srv.patch(`/api/v1/patients/${p.id}`, { family_name: 'Blind' }, { token });
    assert.ok([400, 409, 422, 428].includes(r.status), `got ${r.status} ${r.text}`);
    assertProblem(r, r.status);
    assert.equal((await srv.get(`/api/v1/patients/${p.id}`, { token })).json.family_name, 'Matched');
  });

  test('status change with status_reason is appended to status_history', async () => {
    const r = await srv.patch(`/api/v1/patients/${p.id}`, { version: 3, status: 'screening', status_reason: 'intake booked' }, { token });
    assert.equal(r.status, 200, r.text);
    assert.equal(r.json.status, 'screening');
    assert.equal(r.json.version, 4);
    const h = r.json.status_history;
    assert.equal(h.length, 2);
    assert.equal(h[0].status, 'referred');
    assert.equal(h[1].status, 'screening');
    assert.equal(h[1].reason, 'intake booked');
    assert.equal(h[1].changed_by, ADMIN_USER);
    assertProblem(await srv.patch(`/api/v1/patients/${p.id}`, { version: 4, status: 'flying' }, { token }), 422, { field: 'status' });
  });

  test('the MRN and id cannot be changed through PATCH', async () => {
    // Either refused (4xx) or ignored; the MRN and id never change.
    const cur = (await srv.get(`/api/v1/patients/${p.id}`, { token })).json.version;
    const r = await srv.patch(`/api/v1/patients/${p.id}`, { version: cur, mrn: 'OK-999999-9' }, { token });
    assert.ok(r.status === 200 || (r.status >= 400 && r.status < 500), `PATCH mrn: ${r.status}`);
    if (r.status === 200) assert.equal(r.json.mrn, p.mrn);
    const g = await srv.get(`/api/v1/patients/${p.id}`, { token });
    assert.equal(g.json.mrn, p.mrn);
    const r2 = await srv.patch(`/api/v1/patients/${p.id}`, { version: g.json.version, id: p.id + 1000 }, { token });
    assert.ok(r2.status === 200 || (r2.status >= 400 && r2.status < 500), `PATCH id: ${r2.status}`);
    assert.equal((await srv.get(`/api/v1/patients/${p.id}`, { token })).json.id, p.id);
    assert.equal((await srv.get(`/api/v1/patients/${p.id + 1000}`, { token })).status, 404);
  });
});

describe('list and search', () => {
  const made = {};
  before(async () => {
    made.zoe = await srv.createPatient(token, { given_name: 'Zoë', family_name: 'Quintanilla', birth_date: '1991-07-14', sex_at_birth: 'female' });
    made.muller = await srv.createPatient(token, { given_name: 'Émile', family_name: 'Müller', birth_date: '1975-03-03', sex_at_birth: 'male' });
    made.zorro = await srv.createPatient(token, { given_name: 'Zorro', family_name: 'Vega', birth_date: '1991-07-14', sex_at_birth: 'male' });
    made.elig = await srv.createPatient(token, { given_name: 'Status', family_name: 'Eligible', status: 'eligible', birth_date: '1960-12-31' });
  });

  const ids = (r) => r.json.items.map((x) => x.id);

  test('summaries have exactly the documented fields', async () => {
    const r = await srv.get('/api/v1/patients?q=Quintanilla', { token });
    assert.equal(r.status, 200, r.text);
    assert.deepEqual(ids(r), [made.zoe.id]);
    const s = r.json.items[0];
    assert.deepEqual(Object.keys(s).sort(),
      ['archived', 'birth_date', 'family_name', 'given_name', 'id', 'mrn', 'sex_at_birth', 'status', 'version'].sort());
    assert.deepEqual(s, {
      id: made.zoe.id, mrn: made.zoe.mrn, given_name: 'Zoë', family_name: 'Quintanilla', birth_date: '1991-07-14',
      sex_at_birth: 'female', status: 'referred', archived: false, version: 1,
    });
    assert.equal(r.json.limit, 50, 'default limit 50');
    assert.equal(r.json.offset, 0);
    assert.equal(r.json.has_more, false);
  });

  test('q is a case- and accent-insensitive prefix of given or family name', async () => {
    for (const q of ['zoe', 'ZOE', 'Zoë', 'zoë', 'ZOË', 'zo%C3%AB']) {
      const r = await srv.get(`/api/v1/patients?q=${q.includes('%') ? q : encodeURIComponent(q)}`, { token });
      assert.equal(r.status, 200, r.text);
      assert.ok(ids(r).includes(made.zoe.id), `q=${q} finds Zoë`);
      assert.ok(!ids(r).includes(made.zorro.id), `q=${q} does not find Zorro`);
    }
    for (const q of ['muller', 'MÜLL', 'mu', 'emile', 'Émi', 'EMILE']) {
      const r = await srv.get(`/api/v1/patients?q=${encodeURIComponent(q)}`, { token });
      assert.ok(ids(r).includes(made.muller.id), `q=${q} finds Émile Müller`);
    }
    const zo = await srv.get('/api/v1/patients?q=zo', { token });
    assert.ok(ids(zo).includes(made.zoe.id) && ids(zo).includes(made.zorro.id), 'q=zo finds both');
    // Prefix, not substring.
    const mid = await srv.get('/api/v1/patients?q=intanilla', { token });
    assert.ok(!ids(mid).includes(made.zoe.id), 'q matches the start of a name only');
    const none = await srv.get('/api/v1/patients?q=Nobodyhasthisname', { token });
    assert.deepEqual(none.json.items, []);
    assert.equal(none.json.has_more, false);
  });

  test('q matches an MRN; mrn= filters exactly', async () => {
    const r = await srv.get(`/api/v1/patients?q=${made.muller.mrn}`, { token });
    assert.deepEqual(ids(r), [made.muller.id]);
    const m = await srv.get(`/api/v1/patients?mrn=${made.muller.mrn}`, { token });
    assert.equal(m.status, 200, m.text);
    assert.deepEqual(ids(m), [made.muller.id]);
    const none = await srv.get('/api/v1/patients?mrn=OK-999999-1', { token });
    assert.deepEqual(none.json.items, []);
  });

  test('birth_date and status filters, alone and combined', async () => {
    const b = await srv.get('/api/v1/patients?birth_date=1991-07-14', { token });
    assert.equal(b.status, 200, b.text);
    assert.deepEqual(ids(b).sort((x, y) => x - y), [made.zoe.id, made.zorro.id].sort((x, y) => x - y));
    const s = await srv.get('/api/v1/patients?status=eligible', { token });
    assert.ok(ids(s).includes(made.elig.id));
    assert.ok(s.json.items.every((x) => x.status === 'eligible'));
    const both = await srv.get('/api/v1/patients?birth_date=1991-07-14&q=zor', { token });
    assert.deepEqual(ids(both), [made.zorro.id]);
  });

  test('bad query parameters -> 400 problem+json', async () => {
    for (const q of ['limit=0', 'limit=201', 'limit=abc', 'offset=-1', 'offset=x', 'birth_date=2025-02-30', 'status=flying', 'include_archived=maybe']) {
      assertProblem(await srv.get(`/api/v1/patients?${q}`, { token }), 400);
    }
  });

  test('paging: limit/offset/has_more cover every match exactly once', async () => {
    const want = [];
    for (let i = 0; i < 7; i++) want.push((await srv.createPatient(token, { given_name: `P${i}`, family_name: 'Pagingtest' })).id);
    const seen = [];
    const pages = [];
    for (let offset = 0; offset < 9; offset += 3) {
      const r = await srv.get(`/api/v1/patients?q=pagingtest&limit=3&offset=${offset}`, { token });
      assert.equal(r.status, 200, r.text);
      assert.equal(r.json.limit, 3);
      assert.equal(r.json.offset, offset);
      pages.push({ n: r.json.items.length, more: r.json.has_more });
      seen.push(...ids(r));
    }
    assert.deepEqual(pages, [{ n: 3, more: true }, { n: 3, more: true }, { n: 1, more: false }]);
    assert.deepEqual([...seen].sort((a, b) => a - b), [...want].sort((a, b) => a - b));
    const exact = await srv.get('/api/v1/patients?q=pagingtest&limit=7', { token });
    assert.equal(exact.json.items.length, 7);
    assert.equal(exact.json.has_more, false, 'has_more false when the page ends exactly at the last match');
    const past = await srv.get('/api/v1/patients?q=pagingtest&limit=3&offset=100', { token });
    assert.deepEqual(past.json.items, []);
    assert.equal(past.json.has_more, false);
    const max = await srv.get('/api/v1/patients?limit=200', { token });
    assert.equal(max.status, 200);
  });
});

describe('archive', () => {
  test('archive hides from the default list; include_archived=true shows it; record still readable', async () => {
    const p = await srv.createPatient(token, { given_name: 'Archie', family_name: 'Vedmore' });
    const listed = await srv.get('/api/v1/patients?q=vedmore', { token });
    assert.deepEqual(listed.json.items.map((x) => x.id), [p.id]);

    assertProblem(await srv.post(`/api/v1/patients/${p.id}/archive`, { version: 7, reason: 'stale' }, { token }), 409);
    const a = await srv.post(`/api/v1/patients/${p.id}/archive`, { version: 1, reason: 'duplicate record' }, { token });
    assert.equal(a.status, 200, a.text);
    assert.equal(a.json.archived, true);
    assert.equal(a.json.archive.reason, 'duplicate record');
    assert.equal(a.json.archive.by, 'admin');
    assert.match(a.json.archive.at, /^\d{4}-\d{2}-\d{2}T/);
    assert.equal(a.json.id, p.id);
    assert.equal(a.json.mrn, p.mrn);
    assert.equal(a.json.version, 2, 'archiving bumps the version');

    const hidden = await srv.get('/api/v1/patients?q=vedmore', { token });
    assert.deepEqual(hidden.json.items, [], 'archived patient hidden by default');
    const shown = await srv.get('/api/v1/patients?q=vedmore&include_archived=true', { token });
    assert.deepEqual(shown.json.items.map((x) => x.id), [p.id]);
    assert.equal(shown.json.items[0].archived, true);
    const g = await srv.get(`/api/v1/patients/${p.id}`, { token });
    assert.equal(g.status, 200, 'nothing is physically deleted');
    assert.equal(g.json.archived, true);
    assert.equal((await srv.get(`/api/v1/patients?mrn=${p.mrn}`, { token })).json.items.length, 0);
  });

  test('DELETE on a patient is not a route (405 or 404): nothing is ever deleted', async () => {
    const p = await srv.createPatient(token, { given_name: 'Never', family_name: 'Deleted' });
    const r = await srv.del(`/api/v1/patients/${p.id}`, { token });
    assertProblem(r, [404, 405]);
    assert.equal((await srv.get(`/api/v1/patients/${p.id}`, { token })).status, 200);
  });
});

describe('record cache', () => {
  test('a read after a change shows the change (update, care team, archive)', async () => {
    const p = (await srv.post('/api/v1/patients',
      { given_name: 'Cache', family_name: 'Coherent', birth_date: '1970-05-05', sex_at_birth: 'male' }, { token })).json;
    for (let i = 0; i < 3; i++) assert.equal((await srv.get(`/api/v1/patients/${p.id}`, { token })).json.pronouns, '');
    const u = await srv.patch(`/api/v1/patients/${p.id}`, { version: 1, pronouns: 'he/him' }, { token });
    assert.equal(u.status, 200, u.text);
    const after = await srv.get(`/api/v1/patients/${p.id}`, { token });
    assert.equal(after.json.pronouns, 'he/him');
    assert.equal(after.json.version, 2);
    assert.equal(after.headers.get('etag'), '"2"');
    const staff = (await srv.post('/api/v1/users',
      { username: 'cache.nurse', password: 'a long enough password', role: 'nurse' }, { token })).json;
    assert.equal((await srv.post(`/api/v1/patients/${p.id}/care-team`, { user_id: staff.id, capacity: 'nurse' }, { token })).status, 201);
    const withTeam = await srv.get(`/api/v1/patients/${p.id}`, { token });
    assert.ok(withTeam.json.care_team.some((m) => m.user_id === staff.id), 'new member visible at once');
    assert.equal((await srv.post(`/api/v1/patients/${p.id}/archive`, { version: 2, reason: 'test' }, { token })).status, 200);
    assert.equal((await srv.get(`/api/v1/patients/${p.id}`, { token })).json.archived, true);
  });
});

describe('create answer', () => {
  test('the 201 body equals what a later read returns (admin and prescriber creators)', async () => {
    const a = await srv.post('/api/v1/patients', FULL, { token });
    assert.equal(a.status, 201, a.text);
    const ra = await srv.get(`/api/v1/patients/${a.json.id}`, { token });
    assert.deepEqual(a.json, ra.json);

    assert.equal((await srv.post('/api/v1/users',
      { username: 'create.prescriber', password: 'a long enough password', role: 'prescriber', display_name: 'Dr. Créé' },
      { token })).status, 201);
    const ptoken = (await srv.login('create.prescriber', 'a long enough password')).token;
    const b = await srv.post('/api/v1/patients', { ...FULL, given_name: 'Prescribed' }, { token: ptoken });
    assert.equal(b.status, 201, b.text);
    assert.equal(b.json.care_team.length, 1);
    assert.equal(b.json.care_team[0].display_name, 'Dr. Créé');
    const rb = await srv.get(`/api/v1/patients/${b.json.id}`, { token: ptoken });
    assert.deepEqual(b.json, rb.json);
  });
});
