// JuiceNet Local's rules that need no emulator: the database schema and its migrations, the
// retention of raw samples, the address a box is known by, the command widths per protocol
// version, and the offline limit that changes only when the owner changes it.
import * as assert from 'node:assert/strict';
import { join } from 'node:path';
import { decodeCommand, encodeReport, type JuiceBoxField } from '../../src/juicebox/codec';
import { DATABASE_FILE, startLocalServer, type RunningLocalServer } from '../../src/local/server';
import { SCHEMA_VERSION, openDatabase } from '../../src/local/db';
import { openSqlite } from '../../src/local/storage';
import { post, tempDir } from './local-helpers';

const SERIAL = '0910000000000000000000000000';

function v09u(fields: { S?: number; A?: number; L?: number; E?: number; M?: number; C?: number } = {}): string {
  const f: JuiceBoxField[] = [
    ['v', '09u'],
    ['s', '627'],
    ['V', '2414'],
    ['L', String(fields.L ?? 4555804).padStart(11, '0')],
    ['S', String(fields.S ?? 1).padStart(2, '0')],
    ['T', '08'],
    ['M', String(fields.M ?? 40).padStart(4, '0')],
    ['C', String(fields.C ?? 24).padStart(4, '0')],
    ['m', '0040'],
    ['t', '29'],
    ['A', String(fields.A ?? 0).padStart(5, '0')],
    ['E', String(fields.E ?? 0).padStart(5, '0')],
    ['f', '5999'],
  ];
  return encodeReport(SERIAL, f);
}

async function start(dataDir: string, extra: Partial<Parameters<typeof startLocalServer>[0]> = {}): Promise<RunningLocalServer> {
  return startLocalServer({ dataDir, udpPort: 0, udpHost: '127.0.0.1', httpPort: 0, timeZone: 'UTC', log: () => undefined, ...extra });
}

/** node:sqlite where Node has it (22.13+), better-sqlite3 on Node 20: `npm test` runs this file on both. */
const [major, minor] = process.versions.node.split('.').map(Number);
const expectedDriver = major > 22 || (major === 22 && minor >= 13) ? 'node:sqlite' : 'better-sqlite3';

describe(`JuiceNet Local storage and box rules (SQLite: ${expectedDriver})`, function () {
  this.timeout(30_000);

  it('creates the database in WAL mode at the current schema version, and refuses a newer one with a clear message', async () => {
    const tmp = tempDir();
    try {
      const s = await start(tmp.dir);
      assert.equal(s.db.schemaVersion, SCHEMA_VERSION);
      assert.equal(s.db.db.pragma('journal_mode'), 'wal');
      assert.equal(s.db.driver, expectedDriver, `Node ${process.versions.node} keeps the data with ${expectedDriver}`);
      await s.close();
      const raw = openSqlite(join(tmp.dir, DATABASE_FILE));
      raw.pragma(`user_version = ${SCHEMA_VERSION + 1}`);
      raw.close();
      assert.throws(
        () => openDatabase(join(tmp.dir, DATABASE_FILE)),
        (e: Error) =>
          /was written by a newer JuiceNet Local \(its schema version is \d+; this one knows up to \d+\)\. Nothing was changed/.test(e.message) &&
          /run the newer JuiceNet Local again/.test(e.message),
      );
      const after = openSqlite(join(tmp.dir, DATABASE_FILE));
      assert.equal(Number(after.pragma('user_version')), SCHEMA_VERSION + 1, 'the newer database is left as it was');
      after.close();
    } finally {
      tmp.remove();
    }
  });

  it("answers a v09u report with 4- and 3-digit limits and a v07 report with 2 and 2; the offline limit is the box's own", async () => {
    const tmp = tempDir();
    const s = await start(tmp.dir);
    try {
      const reply = s.source.handleDatagram(v09u(), '192.168.1.50');
      assert.ok(reply);
      assert.match(reply, /^CMD\d{5}A0040M024C006S001!...\$$/);
      const cmd = decodeCommand(reply);
      assert.equal(cmd.kind, 'command');
      const v07 = encodeReport('0810000000000000000000000001', [
        ['v', '07'],
        ['V', '2400'],
        ['L', '100'],
        ['S', '0'],
        ['M', '30'],
        ['m', '32'],
        ['t', '30'],
        ['A', '0'],
        ['E', '0'],
      ]);
      const r7 = s.source.handleDatagram(v07, '192.168.1.51');
      assert.match(r7!, /^CMD\d{5}A30M16C006S001!...\$$/, 'a v07 box gets 2-digit fields and 16 A offline once');
      assert.equal(s.source.handleDatagram('not a report', '192.168.1.50'), undefined);
    } finally {
      await s.close();
      tmp.remove();
    }
  });

  it('refuses reports of a known box from another address unless --allow-address-change', async () => {
    const tmp = tempDir();
    const s = await start(tmp.dir);
    try {
      assert.ok(s.source.handleDatagram(v09u(), '192.168.1.50'));
      assert.equal(s.source.handleDatagram(v09u({ S: 2, A: 160 }), '192.168.1.66'), undefined);
      assert.equal(
        s.source.handleDatagram(v09u({ S: 2, A: 160 }), '::ffff:192.168.1.50') !== undefined,
        true,
        'an IPv4-mapped form of the same address is the same box',
      );
    } finally {
      await s.close();
    }
    const s2 = await start(tmp.dir, { allowAddressChange: true });
    try {
      assert.ok(s2.source.handleDatagram(v09u(), '10.0.0.9'));
    } finally {
      await s2.close();
      tmp.remove();
    }
  });

  it('keeps the offline limit through set_limit, and changes it only by set_info offline_amps_limit (checked)', async () => {
    const tmp = tempDir();
    const s = await start(tmp.dir);
    try {
      s.source.handleDatagram(v09u(), '192.168.1.50');
      const add = await post(s.baseUrl, '/box_pin', { cmd: 'add_unit', device_id: 't', account_token: s.accountToken, ID: SERIAL });
      const api = async (cmd: string, f: Record<string, unknown> = {}) =>
        (await post(s.baseUrl, '/box_api_secure', { cmd, device_id: 't', token: add.body.token, account_token: s.accountToken, ...f })).body;
      assert.equal((await api('set_limit', { amperage: 20 })).success, true);
      assert.match(s.source.handleDatagram(v09u(), '192.168.1.50')!, /A0020M024C/);
      const bad = await api('set_info', { offline_amps_limit: 99 });
      assert.equal(bad.success, false);
      assert.match(String(bad.error_message), /offline_amps_limit/);
      assert.equal((await api('set_info', { offline_amps_limit: 12 })).success, true);
      assert.match(s.source.handleDatagram(v09u(), '192.168.1.50')!, /A0020M012C/);
    } finally {
      await s.close();
      tmp.remove();
    }
  });

  it('removes raw samples older than the retention setting at start, and keeps the sessions', async () => {
    const tmp = tempDir();
    const s = await start(tmp.dir);
    s.source.handleDatagram(v09u({ S: 1 }), '192.168.1.50');
    await s.close();
    const db = openDatabase(join(tmp.dir, DATABASE_FILE));
    const old = Date.now() / 1000 - 40 * 86400;
    const sid = db.openSession(SERIAL, old, 1000);
    for (let i = 0; i < 10; i++)
      db.addSample({
        unit_id: SERIAL,
        t: old + i * 10,
        session_id: sid,
        state: 'charging',
        current_da: 100,
        voltage_dv: 2400,
        power_w: 2400,
        session_wh: i,
        lifetime_wh: 1000 + i,
        temperature_c: 20,
        frequency_chz: 6000,
        online_limit_a: 40,
      });
    db.closeSession(sid, old + 100, 9, 90);
    db.close();
    const s2 = await start(tmp.dir, { retentionDays: 30 });
    try {
      const count = (s2.db.db.prepare('SELECT COUNT(*) AS n FROM samples').get() as { n: number }).n;
      assert.equal(count, 1, 'only the recent sample is left');
      assert.equal((s2.db.db.prepare('SELECT COUNT(*) AS n FROM sessions WHERE id = ?').get(sid) as { n: number }).n, 1);
    } finally {
      await s2.close();
      tmp.remove();
    }
  });

  it('continues the open session after a restart: energy from lifetime differences across the restart and a paused session counter', async () => {
    const tmp = tempDir();
    const s = await start(tmp.dir);
    s.source.handleDatagram(v09u({ S: 2, A: 160, L: 10_000, E: 0 }), '192.168.1.50');
    s.source.handleDatagram(v09u({ S: 2, A: 160, L: 10_500, E: 500 }), '192.168.1.50');
    await s.close();
    const s2 = await start(tmp.dir);
    try {
      // The box paused and its own session counter started again from 0.
      s2.source.handleDatagram(v09u({ S: 1, A: 0, L: 10_800, E: 0 }), '192.168.1.50');
      s2.source.handleDatagram(v09u({ S: 2, A: 160, L: 11_200, E: 400 }), '192.168.1.50');
      assert.equal((s2.source.state(SERIAL, Date.now() / 1000).charging as Record<string, number>).wh_energy, 1200);
      s2.source.handleDatagram(v09u({ S: 0, A: 0, L: 11_200, E: 0 }), '192.168.1.50');
      const rows = s2.db.db.prepare('SELECT energy_wh, open FROM sessions').all() as { energy_wh: number; open: number }[];
      assert.deepEqual(rows, [{ energy_wh: 1200, open: 0 }]);
    } finally {
      await s2.close();
      tmp.remove();
    }
  });
});
