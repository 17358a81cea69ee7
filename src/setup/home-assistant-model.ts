// The Home Assistant step of the setup assistant, as the page shows it: the broker settings, the
// running server's connection, the last test, and what will appear in Home Assistant. Pure.
import type { LocalMqttStatus } from '../api/local-contract';
import type { SetupHomeAssistant } from '../protocol/setup-mqtt-messages';
import type { LocalMqttSettings } from '../state/local-mqtt';
import { mqttRowText } from '../views/local-mqtt';

/** The entities each charger gets, in the words Home Assistant shows. */
export const HOME_ASSISTANT_ENTITIES = [
  'State (charging, connected, disconnected, error)',
  'Charging (a switch: off = 0 A, on = the limit it had)',
  'Current limit (6 A to the charger’s rating)',
  'Power, current, voltage',
  'Session energy and lifetime energy (kWh: add the lifetime energy to the Energy dashboard)',
  'Temperature, grid frequency, last report',
  'Why (not) charging, and Full at',
  'Charge now and Follow the schedule (buttons)',
];

export function homeAssistantStep(p: {
  settings: LocalMqttSettings;
  passwordSet: boolean;
  /** The running server's MQTT status (its diagnostics), if it publishes. */
  status?: LocalMqttStatus;
  /** The server runs here now. */
  running: boolean;
  /** The broker the running server was started with ('' = none). */
  runningWith?: string;
  test?: { ok: boolean; text: string };
  chargerNames: string[];
}): SetupHomeAssistant {
  const row = mqttRowText(p.status);
  return {
    url: p.settings.url,
    user: p.settings.user,
    passwordSet: p.passwordSet,
    proxyTopics: p.settings.proxyTopics,
    connection: p.status && row ? { connected: p.status.connected, broker: p.status.broker, text: row.detail } : undefined,
    test: p.test,
    devices: p.chargerNames,
    entities: HOME_ASSISTANT_ENTITIES,
    restartNeeded: p.running && p.runningWith !== undefined && p.runningWith !== p.settings.url.trim(),
  };
}

/** The Local server row with the MQTT connection of the server run here (connected to host:port, or why not). */
export function withMqttStatus<R extends { description: string; tooltip: string }>(row: R | undefined, status: LocalMqttStatus | undefined): R | undefined {
  const t = mqttRowText(status);
  if (!row || !t) return row;
  return { ...row, description: row.description ? `${row.description} · ${t.short}` : t.short, tooltip: `${row.tooltip}\n${t.detail}` };
}
