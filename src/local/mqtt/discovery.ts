// Home Assistant's MQTT discovery, one device per box: <prefix>/device/<object id>/config with the
// device, its origin and its entities (components), published retained. An empty retained payload
// removes the device. The server itself is a device too, so that the boxes can name it as
// via_device. Units and classes follow what Home Assistant's Energy dashboard and graphs accept.
import type { MqttBox } from './host';
import { COMMAND_TOPICS, MQTT_STATES, type ValueTopic } from './values';

export const SERVER_VERSION = '0.1.0';
export const MANUFACTURER = 'Enel X Way';

/** An id Home Assistant accepts in topics and unique ids ([a-zA-Z0-9_-]). */
export function discoveryId(text: string): string {
  return text.replace(/[^a-zA-Z0-9_-]/g, '_');
}

export interface DiscoveryTopics {
  base: string;
  prefix: string;
}

export const serverDeviceId = (t: DiscoveryTopics) => `juicenet_local_${discoveryId(t.base)}`;
export const boxDeviceId = (unitId: string) => `juicenet_${discoveryId(unitId)}`;
export const boxConfigTopic = (t: DiscoveryTopics, unitId: string) => `${t.prefix}/device/${boxDeviceId(unitId)}/config`;
export const serverConfigTopic = (t: DiscoveryTopics) => `${t.prefix}/device/${serverDeviceId(t)}/config`;
export const serverStatusTopic = (t: Pick<DiscoveryTopics, 'base'>) => `${t.base}/status`;
export const boxTopic = (t: Pick<DiscoveryTopics, 'base'>, unitId: string, suffix: string) => `${t.base}/${unitId}/${suffix}`;

const ORIGIN = { name: 'JuiceNet Local', sw_version: SERVER_VERSION };

type Component = Record<string, unknown> & { platform: string; unique_id: string; name: string };

/** The discovery payload of one box. */
export function boxDiscovery(t: DiscoveryTopics, box: MqttBox): Record<string, unknown> {
  const id = boxDeviceId(box.unitId);
  const st = (v: ValueTopic) => boxTopic(t, box.unitId, v);
  const cmd = (c: string) => boxTopic(t, box.unitId, c);
  const sensor = (key: ValueTopic, name: string, extra: Record<string, unknown> = {}): Component => ({
    platform: 'sensor',
    unique_id: `${id}_${key}`,
    name,
    state_topic: st(key),
    ...extra,
  });
  const measurement = (key: ValueTopic, name: string, unit: string, deviceClass: string, precision: number): Component =>
    sensor(key, name, { device_class: deviceClass, unit_of_measurement: unit, state_class: 'measurement', suggested_display_precision: precision });
  const components: Record<string, Component> = {
    state: sensor('state', 'State', { device_class: 'enum', options: [...MQTT_STATES], icon: 'mdi:ev-station' }),
    enabled: {
      platform: 'binary_sensor',
      unique_id: `${id}_enabled`,
      name: 'Charging enabled',
      state_topic: st('enabled'),
      payload_on: 'true',
      payload_off: 'false',
      icon: 'mdi:power-plug-outline',
    },
    charging: {
      platform: 'switch',
      unique_id: `${id}_charging`,
      name: 'Charging',
      state_topic: st('enabled'),
      command_topic: cmd(COMMAND_TOPICS.enabled),
      payload_on: 'true',
      payload_off: 'false',
      state_on: 'true',
      state_off: 'false',
      icon: 'mdi:ev-plug-type1',
    },
    max_current: {
      platform: 'number',
      unique_id: `${id}_max_current`,
      name: 'Current limit',
      state_topic: st('max_current'),
      command_topic: cmd(COMMAND_TOPICS.maxCurrent),
      min: 6,
      max: box.ratingA,
      step: 1,
      mode: 'box',
      unit_of_measurement: 'A',
      device_class: 'current',
    },
    limit: measurement('limit', 'Limit the charger obeys', 'A', 'current', 0),
    current: measurement('current', 'Current', 'A', 'current', 1),
    voltage: measurement('voltage', 'Voltage', 'V', 'voltage', 0),
    power: measurement('power', 'Power', 'W', 'power', 0),
    session_energy: sensor('session_energy', 'Session energy', {
      device_class: 'energy',
      unit_of_measurement: 'kWh',
      state_class: 'total_increasing',
      suggested_display_precision: 2,
    }),
    lifetime_energy: sensor('lifetime_energy', 'Lifetime energy', {
      device_class: 'energy',
      unit_of_measurement: 'kWh',
      state_class: 'total_increasing',
      suggested_display_precision: 1,
    }),
    temperature: measurement('temperature', 'Temperature', '°C', 'temperature', 0),
    frequency: { ...measurement('frequency', 'Grid frequency', 'Hz', 'frequency', 2), entity_category: 'diagnostic' },
    reason: sensor('reason', 'Why (not) charging', { icon: 'mdi:information-outline' }),
    full_at: sensor('full_at', 'Full at', { icon: 'mdi:battery-clock-outline' }),
    last_report: sensor('last_report', 'Last report', { device_class: 'timestamp', entity_category: 'diagnostic' }),
    charge_now: {
      platform: 'button',
      unique_id: `${id}_charge_now`,
      name: 'Charge now',
      command_topic: cmd(COMMAND_TOPICS.chargeNow),
      payload_press: 'PRESS',
      icon: 'mdi:lightning-bolt',
    },
    cancel_override: {
      platform: 'button',
      unique_id: `${id}_cancel_override`,
      name: 'Follow the schedule',
      command_topic: cmd(COMMAND_TOPICS.cancelOverride),
      payload_press: 'PRESS',
      icon: 'mdi:calendar-clock',
    },
  };
  return {
    device: {
      identifiers: [id],
      name: box.name,
      manufacturer: MANUFACTURER,
      model: 'JuiceBox',
      ...(box.protocolVersion ? { model_id: `protocol ${box.protocolVersion}` } : {}),
      serial_number: box.unitId,
      ...(box.firmware ? { sw_version: box.firmware } : {}),
      via_device: serverDeviceId(t),
    },
    origin: ORIGIN,
    availability: [{ topic: serverStatusTopic(t) }, { topic: boxTopic(t, box.unitId, 'availability') }],
    availability_mode: 'all',
    payload_available: 'online',
    payload_not_available: 'offline',
    components,
    qos: 1,
  };
}

/** The server's own device: its connection as a connectivity sensor. */
export function serverDiscovery(t: DiscoveryTopics): Record<string, unknown> {
  const id = serverDeviceId(t);
  return {
    device: { identifiers: [id], name: 'JuiceNet Local', manufacturer: 'JuiceNet for VS Code', model: 'JuiceNet Local server', sw_version: SERVER_VERSION },
    origin: ORIGIN,
    components: {
      server: {
        platform: 'binary_sensor',
        unique_id: `${id}_server`,
        name: 'Server',
        device_class: 'connectivity',
        state_topic: serverStatusTopic(t),
        payload_on: 'online',
        payload_off: 'offline',
        entity_category: 'diagnostic',
      },
    },
    qos: 1,
  };
}
