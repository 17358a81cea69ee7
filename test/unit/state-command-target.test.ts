// The charger under a command (src/state/command-target.ts): one parser for every shape of argument
// the commands, the panel and the status bar get, and one resolver.
import { strict as assert } from 'node:assert';
import { commandTargetRef, resolveCommandTarget } from '../../src/state/command-target';
import type { UnitView } from '../../src/state/contracts';

const view = (accountId: string, unitId: string): UnitView => ({
  key: `${accountId}/${unitId}`,
  unitId,
  name: `Charger ${unitId}`,
  accountLabel: accountId,
  accountId,
  demo: false,
  stale: false,
});

describe('state/command-target: the charger under a command', () => {
  it('reads every argument shape as a key or a unit ID', () => {
    assert.equal(commandTargetRef(' a/1 '), 'a/1');
    assert.equal(commandTargetRef('1'), '1');
    assert.equal(commandTargetRef(''), undefined);
    assert.equal(commandTargetRef({ unitKey: 'b/1', unitId: '1' }), 'b/1', 'a tree row or snapshot names its account');
    assert.equal(commandTargetRef({ key: 'b/1', unitId: '1' }), 'b/1', 'a UnitView');
    assert.equal(commandTargetRef({ unitId: '1' }), '1');
    assert.equal(commandTargetRef({ key: 'b/1' }), undefined, 'a bare key property is not a charger (an account node has one too)');
    assert.equal(commandTargetRef(undefined), undefined);
    assert.equal(commandTargetRef(42), undefined);
  });

  it('resolves to the named charger through its own account, the only one, or a choice', () => {
    const a = view('a', '1');
    const b = view('b', '1');
    const backend = (units: UnitView[]) => ({
      units: () => units,
      getUnit: (ref: string) => units.find((u) => u.key === ref) ?? units.find((u) => u.unitId === ref),
    });
    assert.deepEqual(resolveCommandTarget(backend([a, b]), { unitKey: 'b/1' }), { kind: 'unit', unit: b });
    assert.deepEqual(resolveCommandTarget(backend([a, b]), '1'), { kind: 'unit', unit: a }, 'a bare ID: the first account that has it');
    assert.deepEqual(resolveCommandTarget(backend([a, b]), 'c/9'), { kind: 'unknown', ref: 'c/9' });
    assert.deepEqual(resolveCommandTarget(backend([a]), undefined), { kind: 'unit', unit: a });
    assert.deepEqual(resolveCommandTarget(backend([a, b]), undefined), { kind: 'choose', units: [a, b] });
    assert.deepEqual(resolveCommandTarget(backend([]), undefined), { kind: 'choose', units: [] });
  });
});
