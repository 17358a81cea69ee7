// The topics of JuicePass Proxy's entities (`--mqtt-compat jpp`), for owners moving over: the
// same topic names and payloads, so that Node-RED flows, dashboards and the Home Assistant
// entities the proxy created keep working. States: hmd/<component>/<device>/<Name>/state
// (retained); commands: hmd/number/<device>/<Name>/command. The device is "JuiceBox" (or
// --mqtt-compat-device) with one box on the account; with several, each box's own name.
import type { MqttCommand } from './commands';
import { parseAmpsPayload } from './commands';
import type { MqttBox, MqttBoxReading } from './host';
import type { ValueTopic } from './values';

export const JPP_ROOT = 'hmd';
export const JPP_DEFAULT_DEVICE = 'JuiceBox';

/** A name as the proxy's topics spell it: characters other than letters, digits and _ become "-". */
export function jppName(name: string): string {
  return name.replace(/[^A-Za-z0-9_]/g, '-');
}

/** The device part of each box's topics. */
export function jppDevices(boxes: readonly MqttBox[], configured?: string): Map<string, string> {
  if (boxes.length === 1) return new Map([[boxes[0].unitId, jppName(configured ?? JPP_DEFAULT_DEVICE)]]);
  return new Map(boxes.map((b) => [b.unitId, jppName(b.name)]));
}

const STATUS_WORDS: Record<string, string> = { charging: 'Charging', connected: 'Plugged In', disconnected: 'Unplugged', error: 'Error' };

const sensor = (device: string, name: string) => `${JPP_ROOT}/sensor/${device}/${name}/state`;
const number = (device: string, name: string, what: 'state' | 'command') => `${JPP_ROOT}/number/${device}/${name}/${what}`;

export const JPP_ONLINE_WANTED = 'Max-Current-Online-Wanted-';
export const JPP_OFFLINE_WANTED = 'Max-Current-Offline-Wanted-';

/** Topic -> payload of one box under the proxy's names, from our values and the reading. */
export function jppValues(device: string, values: Partial<Record<ValueTopic, string>>, r: MqttBoxReading, ownerLimitA: number): Map<string, string> {
  const out = new Map<string, string>();
  const put = (topic: string, v: string | number | undefined) => {
    if (v !== undefined && v !== '') out.set(topic, String(v));
  };
  const rep = r.report;
  put(sensor(device, 'Status'), values.state ? STATUS_WORDS[values.state] : undefined);
  put(sensor(device, 'Current'), values.current);
  put(sensor(device, 'Current-Rating'), rep?.ratingA);
  put(sensor(device, 'Max-Current-Online-Device-'), rep?.onlineLimitA);
  put(sensor(device, 'Max-Current-Offline-Device-'), rep?.offlineLimitA);
  put(sensor(device, 'Frequency'), values.frequency);
  put(sensor(device, 'Voltage'), values.voltage);
  put(sensor(device, 'Power'), values.power);
  put(sensor(device, 'Power-Factor'), rep?.powerFactor);
  // The proxy's energies are in Wh.
  put(sensor(device, 'Energy--Lifetime-'), rep?.lifetimeEnergyWh ?? r.status.lifetime.energyWh);
  put(sensor(device, 'Energy--Session-'), r.status.charging.energyWh);
  // The proxy shows the box's temperature in °F.
  put(sensor(device, 'Temperature'), rep?.temperatureC !== undefined ? Math.round(((rep.temperatureC * 9) / 5 + 32) * 10) / 10 : undefined);
  put(number(device, JPP_ONLINE_WANTED, 'state'), ownerLimitA);
  const offlineWanted = r.offlineLimitA ?? rep?.offlineLimitA;
  put(number(device, JPP_OFFLINE_WANTED, 'state'), offlineWanted);
  return out;
}

/** The command topics the compatibility set listens on. */
export function jppCommandFilter(): string {
  return `${JPP_ROOT}/number/+/+/command`;
}

/** A command on the proxy's topics: [device, command], or a refusal in words; undefined when the topic is not one. */
export function jppCommand(
  topic: string,
  payload: string,
): { device: string; parsed: { ok: true; command: MqttCommand } | { ok: false; message: string } } | undefined {
  const m = /^hmd\/number\/([^/]+)\/([^/]+)\/command$/.exec(topic);
  if (!m) return undefined;
  const [, device, name] = m;
  if (name !== JPP_ONLINE_WANTED && name !== JPP_OFFLINE_WANTED) return { device, parsed: { ok: false, message: `${name} is not a number this server takes` } };
  const a = parseAmpsPayload(payload);
  if (!a.ok) return { device, parsed: a };
  // Online wanted: 0 pauses (the switch's "off"); offline wanted: the box's own fallback limit.
  return { device, parsed: { ok: true, command: name === JPP_ONLINE_WANTED ? { kind: 'limit', amps: a.amps } : { kind: 'offlineLimit', amps: a.amps } } };
}
