import { strict as assert } from 'node:assert';
import { rememberLimit, rememberedLimit, forgetLimit } from '../../src/state/limit-memory';

describe('state/limit-memory', () => {
  it('remembers positive limits per unit only', () => {
    rememberLimit('u1', 24);
    rememberLimit('u2', 0);
    assert.equal(rememberedLimit('u1'), 24);
    assert.equal(rememberedLimit('u2'), undefined);
    forgetLimit('u1');
    assert.equal(rememberedLimit('u1'), undefined);
  });
});
