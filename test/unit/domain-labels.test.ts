import { strict as assert } from 'node:assert';
import { NOTIFICATION_EVENTS } from '../../src/domain/model';
import {
  commandAction,
  describeFailure,
  shortMessage,
  eventLabel,
  fieldInfo,
  fieldLabel,
  limitWords,
  stateLabel,
  withoutWireNames,
} from '../../src/domain/labels';
import { ApiError, AuthError, HttpStatusError, NetworkError } from '../../src/api/errors';

describe('domain/labels: the owner words for the protocol', () => {
  it('one label per state: plugged in, offline', () => {
    assert.equal(stateLabel('plugged'), 'plugged in');
    assert.equal(stateLabel('disconnect'), 'offline');
    assert.equal(stateLabel('weird'), 'unknown state');
    assert.equal(stateLabel(undefined), 'not read yet');
  });
  it('one label per event, the same for a notification and an alert', () => {
    assert.equal(eventLabel('charging_delayed_due_to_ToU'), 'Charging delayed by the time-of-use schedule');
    assert.equal(eventLabel('is_not_plugged_in_by'), 'Not plugged in by …');
    assert.equal(eventLabel('is_offline'), eventLabel('went_offline'));
    assert.equal(eventLabel('start_charging '), eventLabel('charging_started'));
    assert.equal(eventLabel('charging_finished'), 'Charging finished');
    assert.equal(eventLabel('charger_fault'), 'Charger fault');
    for (const e of NOTIFICATION_EVENTS) assert.doesNotMatch(eventLabel(e), /_/);
    assert.equal(eventLabel('brand_new_event'), 'Brand new event');
  });
  it('info fields in words, with their units', () => {
    assert.equal(fieldLabel('ecost'), 'Electricity price');
    assert.equal(fieldInfo('ecost').unit, '¢/kWh');
    assert.equal(fieldLabel('amps_wire_rating'), 'Wire rating');
    assert.match(fieldInfo('amps_wire_rating').help ?? '', /safety/);
    assert.equal(fieldLabel('timeZoneId'), 'Time zone');
    assert.equal(fieldLabel('update_interval'), 'Report interval');
    assert.equal(fieldLabel('cars[0].battery_size_wh'), 'Battery size');
    assert.equal(fieldLabel('some_new_field'), 'Some new field');
  });
  it('a command reads as what the user was doing', () => {
    assert.equal(commandAction('add_unit'), 'adding the charger');
    assert.equal(commandAction('set_limit'), 'setting the current limit');
  });
  it('wire names in a sentence become words; point counts and codes go to the log', () => {
    assert.equal(withoutWireNames('The JuiceNet server refused "add_unit": bad ID.'), 'The server refused adding the charger: bad ID.');
    assert.equal(withoutWireNames('amps_wire_rating must be a whole number'), 'Wire rating must be a whole number');
    assert.equal(withoutWireNames('ecost must be 0 or more'), 'Electricity price must be 0 or more');
    assert.equal(withoutWireNames('notifications.unplug.time must be minutes'), 'Time must be minutes');
    assert.equal(withoutWireNames('Plot read (509 points)'), 'Plot read');
    assert.equal(withoutWireNames('see https://example.com/a.b'), 'see https://example.com/a.b');
    assert.equal(withoutWireNames('The limit is above the amps_wire_rating.'), 'The limit is above the wire rating.');
  });
  it('an HTTP 500 is "the server failed", never offline', () => {
    const t = describeFailure(new HttpStatusError(500, 'boom', 'get_state'));
    assert.equal(t.short, 'The server failed while reading the charger.');
    assert.doesNotMatch(t.short + t.nextStep, /offline|get_state|500/);
    assert.match(t.detail, /HTTP 500/, 'the log keeps the code');
  });
  it('a refusal names the action and the reason in words', () => {
    const t = describeFailure(new ApiError('Invalid amperage 40: use 0 (off) or a whole number from 6 to 32 A', 422, 'set_limit'));
    assert.equal(t.short, 'The server refused setting the current limit: Invalid current limit 40: use 0 (off) or a whole number from 6 to 32 A.');
    assert.doesNotMatch(t.short, /set_limit|code/);
    const add = describeFailure(new ApiError('Unknown unit 1234', 404, 'add_unit'));
    assert.doesNotMatch(add.short, /add_unit/);
    assert.match(add.short, /adding the charger/);
  });
  it('a rejected token and an unreachable server', () => {
    assert.match(describeFailure(new AuthError('Invalid token', 401, 'get_state')).short, /refused the sign-in/);
    const n = describeFailure(new NetworkError('ECONNREFUSED'), 'saving the schedule');
    assert.equal(n.short, 'Could not reach the server while saving the schedule.');
    assert.doesNotMatch(n.nextStep, /juicenet\.baseUrl/);
    assert.match(n.nextStep, /the JuiceNet: Server URL setting/);
    assert.equal(
      withoutWireNames('Fix the setting JuiceNet › Base URL (juicenet.baseUrl) and try again.'),
      'Fix the JuiceNet: Server URL setting and try again.',
    );
  });
  it('no message over 25 words', () => {
    const long = describeFailure(new ApiError('word '.repeat(60).trim(), 422, 'set_info'));
    assert.ok(long.short.split(/\s+/).length <= 25);
    assert.equal(limitWords('One two three four. Five six', 5), 'One two three four.');
    assert.equal(limitWords('one two three four five six seven', 5), 'one two three four five…');
  });
  it('a message keeps its parts in order and stops at about 25 words', () => {
    assert.equal(shortMessage('JuiceNet: saving failed.', '', 'Try again.'), 'JuiceNet: saving failed. Try again.');
    const long = shortMessage(
      'JuiceNet: setting the limit of Garage failed.',
      'The server did not confirm the change: the charger reports a 13 A limit.',
      'The server failed.',
      'Try again in a moment.',
    );
    assert.match(long, /reports a 13 A limit\. The server failed\. Try again in a moment\.$/);
    const cut = shortMessage('one two three four five.', 'word '.repeat(40).trim(), 'never shown');
    assert.ok(cut.split(/\s+/).length <= 30);
    assert.doesNotMatch(cut, /never shown/);
  });
});
