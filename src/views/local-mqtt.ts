// The MQTT connection of the local server run here, in the words of its row in the Chargers view.
import type { LocalMqttStatus } from '../api/local-contract';

/** `short` for the row's description, `detail` for its tooltip; undefined when the server publishes to no broker. */
export function mqttRowText(status: LocalMqttStatus | undefined): { short: string; detail: string } | undefined {
  if (!status) return undefined;
  if (status.connected) {
    const boxes = status.boxes === 1 ? '1 charger' : `${status.boxes} chargers`;
    return {
      short: `MQTT ${status.broker}`,
      detail: `MQTT: connected to ${status.broker}, publishing ${boxes} (Home Assistant, evcc).`,
    };
  }
  const why = status.reason ?? 'not connected';
  return { short: 'MQTT not connected', detail: `MQTT: not connected to ${status.broker}: ${why}.` };
}
