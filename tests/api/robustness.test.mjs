// Robustness: concurrency, garbage on the wire, slow clients, oversized headers.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import { Server, ADMIN_USER, ADMIN_PASSWORD, minimalPatient } from './lib/server.mjs';

let srv;
let token;
let seed = [];

before(async () => {
  srv = await Server.start({ admin: true });
  token = (await srv.login(ADMIN_USER, ADMIN_PASSWORD)).token;
  for (let i = 0; i < 10; i++) seed.push(await srv.createPatient(token, { given_name: `Seed${i}`, family_name: 'Robust' }));
});
after(async () => { if (srv) await srv.stop(); });

/** Write bytes on a raw TCP connection; collect what comes back until close or timeout. */
function rawExchange(port, chunks, { timeoutMs = 5000, keepOpen = false } = {}) {
  return new Promise((resolve) => {
    const sock = net.connect({ host: '127.0.0.1', port });
    let data = Buffer.alloc(0);
    let done = false;
    const finish = (closed, error) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      if (!keepOpen) sock.destroy();
      resolve({ text: data.toString('latin1'), closed, error, sock });
    };
    const timer = setTimeout(() => finish(false), timeoutMs);
    sock.on('connect', () => { for (const c of chunks) sock.write(c); });
    sock.on('data', (d) => { data = Buffer.concat([data, d]); });
    sock.on('end', () => finish(true));
    sock.on('close', () => finish(true));
    sock.on('error', (e) => finish(true, e.code));
  });
}

async function healthy() {
  const r = await srv.get('/healthz');
  assert.equal(r.status, 200, 'server still answers /healthz');
}

test('200 concurrent requests (reads and creates) all answer correctly', async () => {
  const before = await srv.countPatients(token);
  const jobs = [];
  for (let i = 0; i < 200; i++) {
    if (i % 4 === 0) {
      jobs.push(srv.post('/api/v1/patients', { ...minimalPatient(), given_name: `Conc${i}`, family_name: 'Current' }, { token })
        .then((r) => ({ kind: 'create', r })));
    } else if (i % 4 === 1) {
      jobs.push(srv.get('/api/v1/patients?q=robust&limit=20', { token }).then((r) => ({ kind: 'search', r })));
    } else {
      const p = seed[i % seed.length];
      jobs.push(srv.get(`/api/v1/patients/${p.id}`, { token }).then((r) => ({ kind: 'read', r, want: p })));
    }
  }
  const results = await Promise.allSettled(jobs);
  const rejected = results.filter((x) => x.status === 'rejected').map((x) => String(x.reason?.cause?.code || x.reason));
  assert.deepEqual(rejected, [], 'no request failed at the transport level');
  const bad = [];
  const created = [];
  for (const { value: { kind, r, want } } of results) {
    if (kind === 'create') {
      if (r.status !== 201) bad.push(`create ${r.status} ${r.text.slice(0, 200)}`);
      else created.push(r.json);
    } else if (kind === 'search') {
      if (r.status !== 200 || r.json.items.length !== 10) bad.push(`search ${r.status} ${r.text.slice(0, 200)}`);
    } else if (r.status !== 200 || r.json.id !== want.id || r.json.mrn !== want.mrn) {
      bad.push(`read ${r.status} ${r.text.slice(0, 200)}`);
    }
  }
  assert.deepEqual(bad, []);
  assert.equal(created.length, 50);
  assert.equal(new Set(created.map((p) => p.id)).size, 50, 'unique ids');
  assert.equal(new Set(created.map((p) => p.mrn)).size, 50, 'unique MRNs');
  assert.equal(await srv.countPatients(token), before + 50, 'exactly 50 rows written');
  // Request ids are unique under concurrency too.
  const rids = results.map((x) => x.value.r.headers.get('x-request-id'));
  assert.equal(new Set(rids).size, rids.length);
});

test('concurrent PATCHes with the same version: exactly one wins, the rest get 409', async () => {
  const p = await srv.createPatient(token, { given_name: 'Race', family_name: 'Condition' });
  const rs = await Promise.all(Array.from({ length: 20 }, (_, i) =>
    srv.patch(`/api/v1/patients/${p.id}`, { version: 1, given_name: `Racer${i}` }, { token })));
  const statuses = rs.map((r) => r.status).sort();
  assert.equal(statuses.filter((s) => s === 200).length, 1, `one 200: ${statuses}`);
  assert.equal(statuses.filter((s) => s === 409).length, 19, `nineteen 409s: ${statuses}`);
  const g = await srv.get(`/api/v1/patients/${p.id}`, { token });
  assert.equal(g.json.version, 2);
});

test('a garbage request line gets 400 or a closed connection; the server keeps answering', async () => {
  for (const garbage of [
    'GARBAGE\r\n\r\n',
    '\x00\x01\x02\x03\xff\xfe binary junk \r\n\r\n',
    'GET /healthz HTTP/9.9\r\n\r\n',
    'GET\r\n\r\n',
    'GET /healthz HTTP/1.1\r\nHost: x\r\nContent-Length: -5\r\n\r\n',
    'POST /api/v1/auth/login HTTP/1.1\r\nHost: x\r\nContent-Length: 10\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n',
    'GET /healthz HTTP/1.1\r\nHost: x\r\nBad Header Without Colon\r\n\r\n',
  ]) {
    const r = await rawExchange(srv.port, [Buffer.from(garbage, 'latin1')], { timeoutMs: 5000 });
    const status = /^HTTP\/1\.[01] (\d{3})/.exec(r.text)?.[1];
    assert.ok(r.closed || status, `connection answered or closed for ${JSON.stringify(garbage)}: ${r.text.slice(0, 100)}`);
    if (status) assert.ok(['400', '505', '501', '411'].includes(status), `status for ${JSON.stringify(garbage)}: ${status}`);
    assert.ok(!/^HTTP\/1\.[01] 5\d\d/.test(r.text) || status === '505' || status === '501', 'no 500');
    await healthy();
  }
});

test('a well-formed request over a raw socket is answered (sanity check of the raw client)', async () => {
  const r = await rawExchange(srv.port, ['GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n']);
  assert.match(r.text, /^HTTP\/1\.1 200/);
  assert.match(r.text, /"status"\s*:\s*"ok"/);
});

test('pipelined requests on one connection are answered in order', async () => {
  const req = (id) => `GET /healthz HTTP/1.1\r\nHost: x\r\nX-Request-Id: pipe-${id}\r\n\r\n`;
  const r = await rawExchange(srv.port, [req(1) + req(2) + req(3).replace('\r\n\r\n', '\r\nConnection: close\r\n\r\n')], { timeoutMs: 5000 });
  const ids = [...r.text.matchAll(/x-request-id:\s*(pipe-\d)/gi)].map((m) => m[1]);
  assert.deepEqual(ids, ['pipe-1', 'pipe-2', 'pipe-3']);
});

test('headers larger than 8 KiB are refused (431/400 or closed), server keeps answering', async () => {
  const big = 'GET /healthz HTTP/1.1\r\nHost: x\r\nX-Big: ' + 'a'.repeat(16 * 1024) + '\r\n\r\n';
  const r = await rawExchange(srv.port, [big], { timeoutMs: 5000 });
  const status = /^HTTP\/1\.[01] (\d{3})/.exec(r.text)?.[1];
  assert.ok(r.closed || status, 'answered or closed');
  if (status) assert.ok(['431', '400', '413'].includes(status), `status ${status}`);
  await healthy();
});

test('slow clients sending half a header do not block others', async () => {
  const slow = [];
  for (let i = 0; i < 20; i++) {
    slow.push(await new Promise((resolve, reject) => {
      const s = net.connect({ host: '127.0.0.1', port: srv.port }, () => {
        s.write('GET /api/v1/patients HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthori');
        resolve(s);
      });
      s.on('error', () => {});
      s.once('error', reject);
    }));
  }
  try {
    const t0 = performance.now();
    const rs = await Promise.all(Array.from({ length: 30 }, (_, i) =>
      (i % 2 ? srv.get('/healthz') : srv.get(`/api/v1/patients/${seed[i % seed.length].id}`, { token }))));
    const ms = performance.now() - t0;
    assert.ok(rs.every((r) => r.status === 200), `all answered: ${rs.map((r) => r.status)}`);
    assert.ok(ms < 3000, `30 requests took ${ms.toFixed(0)} ms while 20 slow clients hang`);
    // Keep trickling bytes on one slow client; the rest of the world is still served.
    slow[0].write('zation: Bearer x');
    assert.equal((await srv.get('/healthz')).status, 200);
  } finally {
    for (const s of slow) s.destroy();
  }
  await healthy();
});

test('clients that disconnect mid-request or mid-body do not hurt the server', async () => {
  const before = await srv.countPatients(token);
  for (let i = 0; i < 50; i++) {
    const s = net.connect({ host: '127.0.0.1', port: srv.port });
    await new Promise((r) => s.on('connect', r));
    s.write(`POST /api/v1/patients HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${token}\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{"given_name":`);
    if (i % 2) s.resetAndDestroy?.() ?? s.destroy(); else s.destroy();
  }
  await new Promise((r) => setTimeout(r, 200));
  await healthy();
  // None of the truncated bodies created a patient.
  assert.equal(await srv.countPatients(token), before);
});
