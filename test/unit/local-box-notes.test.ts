// What a local server's diagnostics give the rows' tooltips: the UDP port each box reports to,
// "ignores commands" and "monitor only", read from a real JuiceNet Local on loopback and handed to
// the unit store, which puts them on the charger's view.
import * as assert from 'node:assert/strict';
import type { LocalBoxNote } from '../../src/state/contracts';
import { localBoxNotes, readLocalBoxNotes } from '../../src/state/local-boxes';
import { ManualBox, post, startBareServer } from './local-helpers';

const SERIAL = '0910000000000000000000004599';

describe('local box notes for the rows', function () {
  this.timeout(30_000);

  it('keeps only known boxes, with their port, their words when they ignore commands, and monitor only', () => {
    const base = { reports: 1, checksumFailures: 0, encryptedReports: 0, refusedFromOtherAddress: 0, debugLines: [], missCrc: 0 };
    const notes = localBoxNotes({
      boxes: {
        a: { ...base, known: true, udpPort: 8055, monitorOnly: true, ignoring: 'Garage ignores the limit' },
        b: { ...base, known: true },
        c: { ...base, known: false, udpPort: 8047 },
      },
    });
    assert.deepEqual(
      [...notes],
      [
        ['a', { udpPort: 8055, ignoring: 'Garage ignores the limit', monitorOnly: true }],
        ['b', {}],
      ],
    );
  });

  it("reads a real server's diagnostics: the port the box reports to, and monitor only once the owner switches it on", async () => {
    const s = await startBareServer();
    const box = await ManualBox.open(SERIAL);
    try {
      await box.exchange(s.server.udpPort);
      await s.add(SERIAL);
      const got: { accountId: string; notes: ReadonlyMap<string, LocalBoxNote> }[] = [];
      const target = { setLocalBoxes: (accountId: string, notes: ReadonlyMap<string, LocalBoxNote>) => void got.push({ accountId, notes }) };
      const account = { accountId: 'acc', baseUrl: s.server.baseUrl, accountToken: s.server.accountToken };
      await readLocalBoxNotes(target, account, { trace() {} });
      assert.equal(got[0].accountId, 'acc');
      assert.deepEqual(got[0].notes.get(SERIAL), { udpPort: s.server.udpPort });
      const r = await post(s.server.baseUrl, '/local/monitor-only', { account_token: s.server.accountToken, unit_id: SERIAL, monitor_only: true });
      assert.equal(r.body.monitor_only, true, JSON.stringify(r));
      await readLocalBoxNotes(target, account, { trace() {} });
      assert.deepEqual(got[1].notes.get(SERIAL), { udpPort: s.server.udpPort, monitorOnly: true });
      const traced: string[] = [];
      await readLocalBoxNotes(target, { ...account, accountToken: 'wrong' }, { trace: (l) => traced.push(l) });
      assert.equal(got.length, 2, 'a refused read changes nothing');
      assert.equal(traced.length, 1);
      assert.doesNotMatch(traced[0], /wrong/, 'never the token');
    } finally {
      await box.close();
      await s.stop();
    }
  });
});
