import { strict as assert } from 'node:assert';
import { BOX_API_COMMANDS, BOX_PIN_COMMANDS, endpointFor, isWriteCommand } from '../../src/api/types';
import { commandAction } from '../../src/domain/labels';

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
  it('every command has its own words in the domain labels (none spelled out from its wire name)', () => {
    for (const cmd of [...BOX_PIN_COMMANDS, ...BOX_API_COMMANDS]) {
      const words = commandAction(cmd);
      assert.notEqual(words, cmd.replace(/_/g, ' '), `${cmd} has no words of its own`);
      assert.doesNotMatch(words, /_/, `${cmd}: ${words}`);
    }
  });
});
