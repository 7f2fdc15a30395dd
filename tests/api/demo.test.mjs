// `openkap serve --demo`: demo users and synthetic patients, seen through each role.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { Server, DEMO_PASSWORD, assertProblem } from './lib/server.mjs';

const DEMO_USERS = {
  admin: 'admin',
  'dr.rivera': 'prescriber',
  'nurse.chen': 'nurse',
  'therapist.okafor': 'therapist',
  'therapist.lind': 'therapist',
  'patient.ana': 'patient',
  'researcher.kim': 'researcher',
};

let srv;
const s = {};

before(async () => {
  srv = await Server.start({ demo: true });
  for (const name of Object.keys(DEMO_USERS)) s[name] = await srv.login(name, DEMO_PASSWORD);
});
after(async () => { if (srv) await srv.stop(); });

test('every demo user logs in with the demo password and has the documented role', () => {
  for (const [name, role] of Object.entries(DEMO_USERS)) {
    assert.equal(s[name].user.username, name);
    assert.equal(s[name].user.role, role, `${name} role`);
  }
  assert.equal(typeof s['patient.ana'].user.patient_id, 'number', 'patient.ana is linked to a patient');
});

test('about 20 synthetic patients; staff see subsets of them', async () => {
  const all = await srv.listAll(s.admin.token);
  assert.ok(all.length >= 15 && all.length <= 40, `~20 demo patients, got ${all.length}`);
  const ids = new Set(all.map((p) => p.id));
  const counts = {};
  for (const name of ['dr.rivera', 'nurse.chen', 'therapist.okafor', 'therapist.lind']) {
    const mine = await srv.listAll(s[name].token);
    counts[name] = mine.length;
    assert.ok(mine.every((p) => ids.has(p.id)), `${name} sees only existing patients`);
    assert.ok(mine.length <= all.length);
    for (const p of mine) {
      const r = await srv.get(`/api/v1/patients/${p.id}`, { token: s[name].token });
      assert.equal(r.status, 200);
      assert.ok(r.json.care_team.some((m) => m.user_id === s[name].user.id), `${name} is on the care team of ${p.id}`);
    }
    const hidden = all.find((p) => !mine.some((m) => m.id === p.id));
    if (hidden) assertProblem(await srv.get(`/api/v1/patients/${hidden.id}`, { token: s[name].token }), [403, 404]);
  }
  assert.ok(counts['therapist.okafor'] > 0, `therapist.okafor has patients: ${JSON.stringify(counts)}`);
  assert.ok(counts['therapist.lind'] > 0 && counts['therapist.lind'] < counts['therapist.okafor'],
    `therapist.lind is on few care teams: ${JSON.stringify(counts)}`);
});

test('patient.ana sees only her own record; researcher.kim sees none', async () => {
  const ana = s['patient.ana'];
  const own = await srv.get(`/api/v1/patients/${ana.user.patient_id}`, { token: ana.token });
  assert.equal(own.status, 200, own.text);
  const all = await srv.listAll(s.admin.token);
  const other = all.find((p) => p.id !== ana.user.patient_id);
  assertProblem(await srv.get(`/api/v1/patients/${other.id}`, { token: ana.token }), [403, 404]);
  assertProblem(await srv.get('/api/v1/patients', { token: s['researcher.kim'].token }), 403);
  assertProblem(await srv.get(`/api/v1/patients/${other.id}`, { token: s['researcher.kim'].token }), 403);
});

test('demo data is valid: every MRN unique, every record readable by admin', async () => {
  const all = await srv.listAll(s.admin.token);
  assert.equal(new Set(all.map((p) => p.mrn)).size, all.length);
  for (const p of all) {
    const r = await srv.get(`/api/v1/patients/${p.id}`, { token: s.admin.token });
    assert.equal(r.status, 200);
    assert.match(r.json.birth_date, /^\d{4}-\d{2}-\d{2}$/);
  }
});
