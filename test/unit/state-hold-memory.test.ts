import { strict as assert } from 'node:assert';
import { MemoryKeyValueStore } from '../../src/state/accounts';
import { HoldMemory } from '../../src/state/hold-memory';

describe('state/hold-memory: the hold set by Hold Charging Until', () => {
  it('is shown until it passes, then forgotten', async () => {
    let now = 1000;
    const kv = new MemoryKeyValueStore();
    const holds = new HoldMemory(kv, () => now);
    await holds.set('a/1', 2000);
    assert.equal(holds.get('a/1'), 2000);
    assert.equal(holds.get('b/1'), undefined, 'per account and unit');
    now = 2000;
    assert.equal(holds.get('a/1'), undefined, 'passed');
    await holds.set('a/2', 3000);
    assert.deepEqual(kv.map.get('juicenet.holds'), { 'a/2': 3000 }, 'passed holds are dropped when another is set');
  });
  it('refuses garbage in storage and forgets an account', async () => {
    const kv = new MemoryKeyValueStore();
    await kv.update('juicenet.holds', { 'a/1': 'soon', 'a/2': 5000, 'b/1': 5000 });
    const holds = new HoldMemory(kv, () => 0);
    assert.equal(holds.get('a/1'), undefined);
    await holds.forgetAccount('a');
    assert.deepEqual(kv.map.get('juicenet.holds'), { 'b/1': 5000 });
  });
});
