// Seeds for the fuzzers: the protocol document's own reply examples (test/fixtures/doc-replies.ts)
// and live replies of the simulator to every command (collected over HTTP at run time).
import type { Command } from '../../src/api/types';
import type { RunningSimulator } from '../../src/simulator';
import { DOC_REPLIES } from '../fixtures/doc-replies';

export { DOC_REPLIES };

const DEVICE_ID = 'fuzz-device';

async function post(baseUrl: string, path: '/box_pin' | '/box_api_secure', body: Record<string, unknown>): Promise<string> {
  const res = await fetch(baseUrl + path, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  return res.text();
}

/**
 * One raw reply body per command from a running simulator (plus an error reply for a bad token),
 * in the order the commands are listed. Share and add use the simulator's spare units.
 */
export async function collectSimulatorReplies(sim: RunningSimulator): Promise<Record<Command, string[]>> {
  const out = {} as Record<Command, string[]>;
  const add = (cmd: Command, text: string) => (out[cmd] ??= []).push(text);
  const acct = sim.accountToken;
  const u = sim.units[0];
  sim.plugIn(u.unitId);
  sim.advance(3600);
  const unitBody = (cmd: Command, extra: Record<string, unknown> = {}) => ({ cmd, device_id: DEVICE_ID, token: u.token, account_token: acct, ...extra });
  const api = (cmd: Command, extra?: Record<string, unknown>) => post(sim.baseUrl, '/box_api_secure', unitBody(cmd, extra));

  add('get_account_units', await post(sim.baseUrl, '/box_pin', { cmd: 'get_account_units', device_id: DEVICE_ID, account_token: acct }));
  add('get_account_units', await post(sim.baseUrl, '/box_pin', { cmd: 'get_account_units', device_id: DEVICE_ID, account_token: 'not-a-real-token-000' }));
  add('add_unit', await post(sim.baseUrl, '/box_pin', { cmd: 'add_unit', device_id: DEVICE_ID, account_token: acct, ID: sim.spareUnitIds[0] }));
  add('add_unit', await post(sim.baseUrl, '/box_pin', { cmd: 'add_unit', device_id: DEVICE_ID, account_token: acct, ID: '9'.repeat(28) }));
  const pinText = await api('get_share_pin');
  add('get_share_pin', pinText);
  const pin = String((JSON.parse(pinText) as { pin?: unknown }).pin ?? '0000');
  const other = sim.createAccount();
  add('share_device', await post(sim.baseUrl, '/box_pin', { cmd: 'share_device', device_id: DEVICE_ID, account_token: other, ID: u.unitId, pin }));
  add('share_device', await post(sim.baseUrl, '/box_pin', { cmd: 'share_device', device_id: DEVICE_ID, account_token: other, ID: u.unitId, pin: '0000' }));
  add('get_state', await api('get_state'));
  add('get_state', await post(sim.baseUrl, '/box_api_secure', unitBody('get_state', { token: 'ffffffffffffffffffffffffffffffff' })));
  add('set_limit', await api('set_limit', { amperage: 16 }));
  add('set_limit', await api('set_limit', { amperage: 500 }));
  add('get_schedule', await api('get_schedule'));
  add(
    'set_schedule',
    await api('set_schedule', { type: 'custom', weekday: { start: 1380, end: 420, car_ready_by: 420 }, weekend: { start: 0, end: 1440, car_ready_by: 0 } }),
  );
  add('get_schedule', await api('get_schedule'));
  add('get_history', await api('get_history'));
  const sessions = (JSON.parse(out.get_history[0]) as { sessions?: { id?: number }[] }).sessions ?? [];
  add('get_plot', await api('get_plot', { attribute: 'power', intervals: 50, session_id: sessions[0]?.id ?? 1 }));
  const info = await api('get_info');
  add('get_info', info);
  const raw = JSON.parse(info) as Record<string, unknown>;
  for (const k of ['success', 'cmd', 'error_code', 'error_message']) delete raw[k];
  add('set_info', await api('set_info', raw));
  add('set_override', await api('set_override', { override_time: sim.now() + 3600 }));
  add('set_charging_time', await api('set_charging_time', { charging_time: 3600 }));
  add('get_notifications', await api('get_notifications'));
  add(
    'set_notifications',
    await api('set_notifications', {
      notifications: { is_offline: { email: true, push: false, webhook: { url: 'https://example.com/h', method: 'POST', authorization_headers: 'Bearer x' } } },
    }),
  );
  add('get_notifications', await api('get_notifications'));
  // The same reads again with every number as a string, as some vendor endpoints sent them.
  sim.setFaults({ numbersAsStrings: true });
  for (const cmd of ['get_state', 'get_schedule', 'get_history', 'get_info', 'get_notifications', 'get_share_pin'] as const) add(cmd, await api(cmd));
  sim.clearFaults();
  return out;
}
