// Input validation: every bad request is a 4xx problem+json and leaves the database unchanged;
// hostile-looking but valid strings are stored verbatim.
import { test, before, after, describe } from 'node:test';
import assert from 'node:assert/strict';
import {
  Server, ADMIN_USER, ADMIN_PASSWORD, assertProblem, minimalPatient,
} from './lib/server.mjs';

let srv;
let token;

before(async () => {
  srv = await Server.start({ admin: true });
  token = (await srv.login(ADMIN_USER, ADMIN_PASSWORD)).token;
  await srv.createPatient(token, { given_name: 'Existing', family_name: 'Row' });
});
after(async () => { if (srv) await srv.stop(); });

const base = minimalPatient;
const without = (k) => { const b = base(); delete b[k]; return b; };
const tomorrowNextYear = () => {
  const d = new Date(Date.now() + 400 * 86400e3);
  return d.toISOString().slice(0, 10);
};
const tomorrow = () => new Date(Date.now() + 2 * 86400e3).toISOString().slice(0, 10);

/** Send a create, assert the problem, and assert the patient count did not change. */
async function rejectsCreate(send, status, opts = {}) {
  const before = await srv.countPatients(token);
  const r = await send();
  assertProblem(r, status, opts);
  assert.equal(await srv.countPatients(token), before, `database unchanged after ${r.status}`);
  return r;
}

const postRaw = (raw, contentType = 'application/json') =>
  () => srv.req('POST', '/api/v1/patients', { token, raw, headers: { 'content-type': contentType } });
const postJson = (body) => () => srv.post('/api/v1/patients', body, { token });

describe('create rejects bad input with problem+json and writes nothing', () => {
  test('malformed JSON -> 400', async () => {
    await rejectsCreate(postRaw('{"given_name": "A", "family_name": '), 400);
    await rejectsCreate(postRaw('{"given_name": "A",}'), 400);
    await rejectsCreate(postRaw(''), [400, 422]);
    await rejectsCreate(postRaw('not json at all'), 400);
  });

  test('JSON that is not an object -> 400 or 422', async () => {
    await rejectsCreate(postRaw('[]'), [400, 422]);
    await rejectsCreate(postRaw('"just a string"'), [400, 422]);
    await rejectsCreate(postRaw('null'), [400, 422]);
  });

  test('wrong types -> 422 naming the field', async () => {
    await rejectsCreate(postJson({ ...base(), birth_date: 19880101 }), 422, { field: 'birth_date' });
    await rejectsCreate(postJson({ ...base(), given_name: 42 }), 422, { field: 'given_name' });
    await rejectsCreate(postJson({ ...base(), family_name: null }), 422, { field: 'family_name' });
    await rejectsCreate(postJson({ ...base(), race: 'white' }), 422, { field: 'race' });
    await rejectsCreate(postJson({ ...base(), address: 'Main St' }), 422, { field: 'address' });
    await rejectsCreate(postJson({ ...base(), given_name: ['Ana'] }), 422, { field: 'given_name' });
  });

  test('missing required fields -> 422 naming the field', async () => {
    for (const k of ['given_name', 'family_name', 'birth_date', 'sex_at_birth']) {
      await rejectsCreate(postJson(without(k)), 422, { field: k });
    }
    await rejectsCreate(postJson({ ...base(), given_name: '' }), 422, { field: 'given_name' });
    await rejectsCreate(postJson({ ...base(), family_name: '   ' }), 422, { field: 'family_name' });
    await rejectsCreate(postRaw('{}'), 422, { requireField: true });
  });

  test('unknown enum values -> 422 naming the field', async () => {
    await rejectsCreate(postJson({ ...base(), sex_at_birth: 'robot' }), 422, { field: 'sex_at_birth' });
    await rejectsCreate(postJson({ ...base(), sex_at_birth: 'Female' }), 422, { field: 'sex_at_birth' });
    await rejectsCreate(postJson({ ...base(), ethnicity: 'martian' }), 422, { field: 'ethnicity' });
    await rejectsCreate(postJson({ ...base(), status: 'flying' }), 422, { field: 'status' });
    await rejectsCreate(postJson({ ...base(), race: ['white', 'robot'] }), 422, { fieldPrefix: 'race' });
  });

  test('impossible, malformed, too old and future dates -> 422 birth_date', async () => {
    for (const d of ['2025-02-30', '2023-02-29', '1990-13-01', '1990-00-10', '1990-04-31', '1988-4-2', '02/04/1988',
      '1988-04-02T00:00:00Z', '1899-12-31', tomorrow(), tomorrowNextYear(), '']) {
      const r = await rejectsCreate(postJson({ ...base(), birth_date: d }), 422, { field: 'birth_date' });
      assert.ok(r.json.errors === undefined || Array.isArray(r.json.errors), 'errors is an array when present');
    }
    // A leap day that exists is fine.
    const ok = await srv.post('/api/v1/patients', { ...base(), birth_date: '2000-02-29' }, { token });
    assert.equal(ok.status, 201, ok.text);
    const okOld = await srv.post('/api/v1/patients', { ...base(), birth_date: '1900-01-01' }, { token });
    assert.equal(okOld.status, 201, okOld.text);
  });

  test('the errors array names the field and a reason', async () => {
    const r = await rejectsCreate(postJson({ ...base(), birth_date: '2025-02-30' }), 422, { field: 'birth_date' });
    assert.ok(Array.isArray(r.json.errors), 'errors array present');
    assert.ok(r.json.errors.some((e) => e.field === 'birth_date' && typeof e.reason === 'string' && e.reason.length > 0));
    assert.equal(typeof r.json.request_id, 'string');
    assert.equal(r.json.request_id, r.headers.get('x-request-id'));
  });

  test('oversized body (> 64 KiB) -> 413', async () => {
    const huge = { ...base(), referral: { referrer_name: 'Dr. R', notes: 'x'.repeat(70 * 1024) } };
    const r = await rejectsCreate(postJson(huge), 413);
    assert.ok(r);
    // Also with a body that is not even JSON.
    await rejectsCreate(postRaw('y'.repeat(200 * 1024)), 413);
  });

  test('overlong strings (> 200 characters) -> 422; exactly 200 characters (even multibyte) is accepted', async () => {
    await rejectsCreate(postJson({ ...base(), given_name: 'a'.repeat(201) }), 422, { field: 'given_name' });
    await rejectsCreate(postJson({ ...base(), family_name: 'ü'.repeat(201) }), 422, { field: 'family_name' });
    await rejectsCreate(postJson({ ...base(), email: 'e'.repeat(250) + '@example.org' }), 422, { field: 'email' });
    await rejectsCreate(postJson({ ...base(), address: { city: 'c'.repeat(201) } }), 422, { field: 'address.city' });
    await rejectsCreate(postJson({ ...base(), referral: { referrer_name: 'Dr. R', notes: 'n'.repeat(4001) } }), 422, { field: 'referral.notes' });
    const ok = await srv.post('/api/v1/patients', { ...base(), given_name: 'a'.repeat(200), family_name: 'ü'.repeat(200), referral: { referrer_name: 'Dr. R', notes: 'n'.repeat(4000) } }, { token });
    assert.equal(ok.status, 201, `200 characters (400 UTF-8 bytes) is within the limit: ${ok.text.slice(0, 300)}`);
    assert.equal(ok.json.family_name, 'ü'.repeat(200));
    assert.equal(ok.json.referral.notes, 'n'.repeat(4000));
  });

  test('invalid UTF-8 in the body -> 400', async () => {
    const head = Buffer.from('{"given_name": "Ana', 'utf8');
    const tail = Buffer.from('", "family_name": "Souza", "birth_date": "1988-04-02", "sex_at_birth": "female"}', 'utf8');
    for (const bad of [[0xc3, 0x28], [0xff], [0xed, 0xa0, 0x80] /* UTF-16 surrogate */, [0xc0, 0xaf] /* overlong '/' */, [0xe2, 0x82]]) {
      await rejectsCreate(postRaw(Buffer.concat([head, Buffer.from(bad), tail])), 400);
    }
  });

  test('unknown field -> 422 naming it', async () => {
    await rejectsCreate(postJson({ ...base(), favourite_colour: 'blue' }), 422, { field: 'favourite_colour' });
    await rejectsCreate(postJson({ ...base(), givenName: 'Ana' }), 422, { field: 'givenName' });
    await rejectsCreate(postJson({ ...base(), address: { line1: 'x', planet: 'Mars' } }), 422, { field: 'address.planet' });
  });

  test('server-controlled fields cannot be set on create', async () => {
    for (const extra of [{ id: 99999 }, { mrn: 'OK-999999-4' }, { version: 9 }, { archived: true }]) {
      const before = await srv.countPatients(token);
      const r = await srv.post('/api/v1/patients', { ...base(), ...extra }, { token });
      if (r.status === 201) {
        // Tolerated only if ignored.
        for (const [k, v] of Object.entries(extra)) assert.notDeepEqual(r.json[k], v, `${k} must not be client-settable`);
      } else {
        assertProblem(r, [400, 422]);
        assert.equal(await srv.countPatients(token), before);
      }
    }
  });

  test('wrong Content-Type -> 415', async () => {
    await rejectsCreate(postRaw(JSON.stringify(base()), 'text/plain'), 415);
    await rejectsCreate(postRaw('given_name=Ana', 'application/x-www-form-urlencoded'), 415);
  });

  test('duplicate JSON keys do not sneak past validation', async () => {
    const raw = '{"given_name":"Ana","family_name":"Souza","birth_date":"1988-04-02","birth_date":"2025-02-30","sex_at_birth":"female"}';
    const before = await srv.countPatients(token);
    const r = await srv.req('POST', '/api/v1/patients', { token, raw, headers: { 'content-type': 'application/json' } });
    if (r.status === 201) {
      assert.match(r.json.birth_date, /^\d{4}-\d{2}-\d{2}$/);
      assert.notEqual(r.json.birth_date, '2025-02-30');
    } else {
      assertProblem(r, [400, 422]);
      assert.equal(await srv.countPatients(token), before);
    }
  });
});

describe('PATCH validation leaves the record unchanged', () => {
  test('bad PATCH bodies -> 4xx, version and fields unchanged', async () => {
    const p = await srv.createPatient(token, { given_name: 'Patchy', family_name: 'Valid' });
    const url = `/api/v1/patients/${p.id}`;
    const cases = [
      [{ version: 1, birth_date: '2025-02-30' }, 422, 'birth_date'],
      [{ version: 1, sex_at_birth: 'robot' }, 422, 'sex_at_birth'],
      [{ version: 1, given_name: 'x'.repeat(201) }, 422, 'given_name'],
      [{ version: 1, nickname: 'P' }, 422, 'nickname'],
      [{ version: 1, given_name: '' }, 422, 'given_name'],
      [{ version: 1, birth_date: tomorrowNextYear() }, 422, 'birth_date'],
      [{ version: 'one', given_name: 'X' }, [400, 422], undefined],
    ];
    for (const [body, status, field] of cases) {
      const r = await srv.patch(url, body, { token });
      assertProblem(r, status, field ? { field } : {});
    }
    assertProblem(await srv.req('PATCH', url, { token, raw: '{"version": 1,', headers: { 'content-type': 'application/json' } }), 400);
    const g = await srv.get(url, { token });
    assert.equal(g.json.version, 1);
    assert.equal(g.json.given_name, 'Patchy');
    assert.equal(g.json.birth_date, p.birth_date);
    assert.equal(g.json.sex_at_birth, p.sex_at_birth);
  });
});

describe('strings are stored verbatim', () => {
  const names = [
    ["Robert'); DROP TABLE patients;--", "O'Brien"],
    ['José María', 'Ñúñez-Çelik'],
    ['Smile 🙂', 'Emoji 👩🏽‍⚕️'],
    ['محمد', 'العتيبي'],
    ['דוד', 'כהן'],
    ['Anne-Marie', '  Spaced  '.trim()],
    ['Zoë', 'back\\slash "quoted" <b>html</b> & %s %n ${x}'],
  ];

  test('round-trip through create, read, list and search; the patients table survives', async () => {
    const before = await srv.countPatients(token);
    for (const [given, family] of names) {
      const c = await srv.post('/api/v1/patients', { ...base(), given_name: given, family_name: family }, { token });
      assert.equal(c.status, 201, `${given} ${family}: ${c.text}`);
      assert.equal(c.json.given_name, given);
      assert.equal(c.json.family_name, family);
      const g = await srv.get(`/api/v1/patients/${c.json.id}`, { token });
      assert.equal(g.json.given_name, given);
      assert.equal(g.json.family_name, family);
      const s = await srv.get(`/api/v1/patients?q=${encodeURIComponent(given.slice(0, 3))}`, { token });
      assert.equal(s.status, 200, s.text);
      const hit = s.json.items.find((x) => x.id === c.json.id);
      assert.ok(hit, `search by the first characters of ${JSON.stringify(given)} finds it`);
      assert.equal(hit.given_name, given);
      assert.equal(hit.family_name, family);
    }
    assert.equal(await srv.countPatients(token), before + names.length, 'the patients table is intact');
    const drop = await srv.get(`/api/v1/patients?q=${encodeURIComponent("Robert'")}`, { token });
    assert.equal(drop.json.items.length, 1);
    assert.equal(drop.json.items[0].given_name, "Robert'); DROP TABLE patients;--");
  });

  test('SQL metacharacters in query parameters are just text', async () => {
    for (const q of ["' OR 1=1 --", '%', '_', '"; DROP TABLE patients; --', '\\']) {
      const r = await srv.get(`/api/v1/patients?q=${encodeURIComponent(q)}`, { token });
      assert.equal(r.status, 200, `q=${q}: ${r.text}`);
      assert.ok(r.json.items.every((x) => (x.given_name + x.family_name).includes(q) || x.mrn.startsWith(q) ||
        x.given_name.toLowerCase().startsWith(q.toLowerCase()) || x.family_name.toLowerCase().startsWith(q.toLowerCase())),
      `q=${JSON.stringify(q)} is not a wildcard: got ${r.json.items.map((x) => x.given_name).join(', ')}`);
    }
  });
});
