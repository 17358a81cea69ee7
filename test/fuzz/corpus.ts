// Seeds for the fuzzers: the protocol document's own reply examples (verbatim, quirks kept: smart
// quotes, trailing commas, padded keys, get_info's restrictions block without its `{`; the same text
// as test/unit/api-wire.test.ts, copied because importing a test file would register its suites
// here), and live replies of the simulator to every command (collected over HTTP at run time).
// Source: /work/shared/juicenet-api-protocol.txt ("Response example:" of each command).
import type { Command } from '../../src/api/types';
import type { RunningSimulator } from '../../src/simulator';

export const DOC_REPLIES: Record<Command, string> = {
  add_unit: "{\n    \"success\": true,\n    \"unit_id\":\"0814081508141535522516012129\",\n    \"name\":\" JB device name\",\n    \"token\":\"7bb8a909a4e14bf4b5c927e0669298b3\"\n}",
  get_account_units: "{\n    \"success\":true,\n    \"units\":\n     [\n\t{\n    \t   \"name\":\" JB device name\",\n                 \"token\":\"7bb8a909a4e14bf4b5c927e0669298b3\",\n                 \"unit_id\":\"0814081508141535522516012129\"\n\t},\n\t{\n    \t   \"name\":\" JB device name1\",\n                 \"token\":\"1ee8a9101r5h14bf4b5c927e4567891b3\",\n                 \"unit_id\":\"0568901508141535522516012456\"\n\t},\n       ]\n}",
  get_state: "{\n  \n   \"ID\":\"0814081508141535522516012129\",\n   \"info_timestamp\":1487107276,\n   \"show_override\":false,\n   \"state\":\"disconnect\",\n   \"charging\":{  \n      \"amps_limit\":40,\n      \"amps_current\":0,\n      \"voltage\":215,\n      \"wh_energy\":4134,\n      \"savings\":140,\n      \"watt_power\":0,\n      \"seconds_charging\":2464,\n      \"wh_energy_at_plugin\":0,\n      \"wh_energy_to_add\":0,\n      \"flags\":0,\n      \"co2\":{  \n         \"nonstop\":0,\n         \"actual\":0\n      }\n   },\n   \"lifetime\":{  \n      \"wh_energy\":430000,\n      \"savings\":14620,\n      \"co2\":{  \n         \"nonstop\":0,\n         \"actual\":0\n      }\n   },\n   \"charging_time_left\":11936,\n   \"plug_unplug_time\":1487207282,\n   \"target_time\":1487504483,\n   \"override_time\":0,\n   \"default_target_time\":1487504483,\n   \"time_last_ping\":1487292952,\n   \"utc_time\":1487533283,\n   \"unit_time\":1487504483,\n   \"update_interval\":3,\n   \"temperature\":30,\n   \"frequency\":5999,\n   \"triggers_all\":1,\n   \"triggers_blocking\":0,\n   \"car_id\":4025,\n   \"success\":true\n}",
  set_limit: "{\n    \"success\": true\n}",
  get_schedule: "{  \n   \"type\":\"custom\",\n   \"weekday\":{  \n      \"start\":960,\n      \"end\":1260,\n      \"car_ready_by\":1080\n   },\n   \"weekend\":{  \n      \"start\":420,\n      \"end\":1260,\n      \"car_ready_by\":900\n   },\n   \"info_timestamp\":1487107276,\n   \"success\":true,\n   \"ID\":\"0814081508141535522516012129\"\n}",
  set_schedule: "{\n    \"success\": true\n}",
  get_history: "{\n    \"success\":true,\n    \"sessions\":[\n        {\n        \"id\": 1380,\n        \"time_start\": 1478544800,\n        \"time_end\": 1478544913,\n        \"duration\":992,\n        \" wh_energy\":1799,\n         },\n         {\n        \"time_start\": 1478544800,\n        \"time_end\": 1478544913,\n        \"duration\":777,\n        \"wh_energy\":13340,\n        }\n   ]\n}",
  get_plot: "{\n    \"success\":true,\n    \"points\":[\n        {\n        \"t\": 1470656838,\n        \"v\": 0\n        },\n       {        \n        \"t\": 1470656938,\n        \"v\": 0\n     }\n   ]\n}",
  get_share_pin: "{\n    \"success\":true,\n    \"pin\": “8447”\n}",
  share_device: "{\n    \"success\": true,\n    \"unit_id\": ” 0814081517181535522516012726”,\n    \"name\": ”EMW Happy Hour JB 2.3 (#6)”,\n    \"token\": “2739f8604e4c4e30a749fe07801d8575”\n}",
  get_info: "{\n    \"name\": \"EMW Happy Hour JB 2.3 (#6)\",\n    \"address\": \"850 Bransten Rd\",\n    \"city\": \"San Calrol\",\n    \"zip\": \"94070\",\n    \"country_code\": \"US\",\n    \"load_group_id\": \"string\",\n    \"unit_type_id\": 1,\n    \"IP\": \"50.168.20.98\",\n    \"gascost\": 350,\n    \"mpg\": 25,\n    \"ecost\": 12,\n    \"whpermile\": 300,\n    \"timeZoneId\": \"Pacific Standard Time\",\n    \"amps_wire_rating\": 60,\n    \"amps_unit_rating\": 32,\n    \"info_timestamp\": 1498852150,\n    \"garage_id\": \"306a413e-40d2-4440-a867-77c94a3bd987\",\n    \"cars\": [\n     {\n          \"car_id\": 6613,\n          \"description\": \"2016 Voklswagen e-Golf\",\n          \"battery_size_wh\": 144841,\n          \"battery_range_m\": 24200,\n          \"charging_rate_w\": 7200,\n          \"model_id\": \"36834\",\n          \"model_info\": {\n                \"model_id\": \"36834\",\n                \"description\": \"2016 Volkswagen e-Golf\",\n                \"make\": \"Volkswagen\",\n                \"model\": \"e-Golf\",\n                \"year\": 2016,\n                \"range_m\": 133575,\n                \"range_city_m\": 143070,\n                \"range_highway_m\": 121022,\n                \"battery_size_wh\": 24200,\n                \"charging_rate_w\": 7200,\n                \"images\": {\n                    \"charging\": \"string\",\n                    \"default\": \"htps://dashboard.emotorworks.com/Content/carmodels/volkswagen-e-golf.jpg\",\n                    \"plugged\": \"string\"\n                }\n            }\n         }\n  ],\n    \"policy\": {\n            \"name\": \"Default\",\n            \"user_control_allowed\": false,\n            \"charge_control_type\": \"standby\"\n        },\n    \"restrictions\":\n        \"set_tou\": {\n              \"message\": \"The function isn't available for your box. Upgrade to Pro?\",\n              \"activation_url\": \"string\"\n        },\n        \"set_notifications\": {\n              \"message\": \"The function isn't available for your box. Upgrade to Pro?\",\n              \"activation_url\": \"string\"\n       },\n        \"set_override\": {\n              \"message\": \"The function isn't available for your box. Upgrade to Pro?\",\n              \"activation_url\": \"string\"\n       },\n        \"history\": {\n              \"message\": \"The function isn't available for your box. Upgrade to Pro?\",\n              \"activation_url\": \"string\"\n       },\n        \"get_share_pin\": {\n              \"message\": \"The function isn't available for your box. Upgrade to Pro?\",\n              \"activation_url\": \"string\"\n        }\n    }\n}",
  set_override: "{\n    \"success\":false\n}",
  set_charging_time: "{\n   \"success\": true\n}",
  set_info: "{\n   \"success\": true\n}",
  get_notifications: "{\n    \"success\":true,\n    \"notifications\": {\n        \"charging_delayed_due_to_ToU\": {\n                 \"email\": false,\n                 \"push\": false\n                 },\n        \"start_charging \": {\n                 \"email\": false,\n                 \"push\": false\n                 },\n        \"stop_charging \": {\n                 \"email\": false,\n                 \"push\": false\n                 },\n        \"is_offline\": {\n                 \"email\": false,\n                 \"push\": false\n                 },\n        \"is_back_online\": {\n                 \"email\": false,\n                 \"push\": false\n                 },\n        \"is_not_plugged_in_by\": {\n                 \"email\": false,\n                 \"push\": false,\n                 \"time\": 0\n                 }\n         }\n}",
  set_notifications: "{\n    \"success\":false,\n}",
};

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
  add('set_schedule', await api('set_schedule', { type: 'custom', weekday: { start: 1380, end: 420, car_ready_by: 420 }, weekend: { start: 0, end: 1440, car_ready_by: 0 } }));
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
  add('set_notifications', await api('set_notifications', { notifications: { is_offline: { email: true, push: false, webhook: { url: 'https://example.com/h', method: 'POST', authorization_headers: 'Bearer x' } } } }));
  add('get_notifications', await api('get_notifications'));
  // The same reads again with every number as a string, as some vendor endpoints sent them.
  sim.setFaults({ numbersAsStrings: true });
  for (const cmd of ['get_state', 'get_schedule', 'get_history', 'get_info', 'get_notifications', 'get_share_pin'] as const) add(cmd, await api(cmd));
  sim.clearFaults();
  return out;
}
