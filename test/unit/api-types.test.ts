import { strict as assert } from 'node:assert';
import { endpointFor, isWriteCommand } from '../../src/api/types';

describe('protocol command table', () => {
  it('routes box_pin commands to /box_pin and the rest to /box_api_secure', () => {
    assert.equal(endpointFor('add_unit'), '/box_pin');
    assert.equal(endpointFor('share_device'), '/box_pin');
    assert.equal(endpointFor('get_state'), '/box_api_secure');
  });
  it('marks set_* and unit-adding commands as writes', () => {
    assert.equal(isWriteCommand('set_limit'), true);
    assert.equal(isWriteCommand('add_unit'), true);
    assert.equal(isWriteCommand('get_info'), false);
  });
});
