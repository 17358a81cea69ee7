// What the owner tells JuiceNet Local about an MQTT broker: its address (mqtt:// or mqtts://), a
// user, a password (from a file or the environment, never from the command line, so that it shows
// in no process list, shell history or log), the base topic, Home Assistant's discovery prefix and
// the optional compatibility topics. Checked here, once, with messages in words.
import { readFileSync } from 'node:fs';

/** The environment variable a password may come from. */
export const MQTT_PASSWORD_ENV = 'JUICENET_MQTT_PASSWORD';
export const DEFAULT_BASE_TOPIC = 'juicenet';
export const DEFAULT_DISCOVERY_PREFIX = 'homeassistant';

/** Topic sets published besides our own: `jpp` = the topic names of JuicePass Proxy's entities. */
export type MqttCompat = 'jpp';
export const MQTT_COMPAT_MODES: readonly MqttCompat[] = ['jpp'];

export interface MqttOptions {
  /** mqtt://host:port or mqtts://host:port (no user or password inside). */
  url: string;
  username?: string;
  /** Never logged; kept out of every message this module writes. */
  password?: string;
  /** Our topics live under it (default "juicenet"). */
  baseTopic?: string;
  /** Home Assistant's discovery prefix (default "homeassistant"); "" turns discovery off. */
  discoveryPrefix?: string;
  compat?: MqttCompat[];
  /** The device name the compatibility topics use (the proxy's default is "JuiceBox"). */
  compatDeviceName?: string;
  /** A CA certificate file for mqtts:// brokers with their own CA (PEM). */
  caFile?: string;
  /** Accept an mqtts:// broker whose certificate cannot be verified (a self-signed one). */
  insecure?: boolean;
  /** The MQTT client id (default: juicenet-local-<base topic>). */
  clientId?: string;
  /** Milliseconds between reconnection attempts (default 2000). */
  reconnectMs?: number;
}

/** host:port of a broker URL, for messages (no user, no password, no query). */
export function brokerAddress(url: string): string {
  try {
    const u = new URL(url);
    const port = u.port || (u.protocol === 'mqtts:' ? '8883' : '1883');
    return `${u.hostname.includes(':') && !u.hostname.startsWith('[') ? `[${u.hostname}]` : u.hostname}:${port}`;
  } catch {
    return 'an unreadable address';
  }
}

/** A topic part: MQTT's wildcards and separators are not allowed in one. */
function checkTopicRoot(flag: string, v: string): string {
  const t = v.trim().replace(/\/+$/, '');
  if (t === '' || /[#+\0]/.test(t) || t.startsWith('/'))
    throw new Error(`${flag} must be a topic like "juicenet" (no #, + or leading /), got ${JSON.stringify(v)}`);
  return t;
}

/** Checks a broker URL: mqtt:// or mqtts://, a host, no credentials inside (they would end up in logs). */
export function checkBrokerUrl(flag: string, text: string): string {
  let u: URL;
  try {
    u = new URL(text.includes('://') ? text : `mqtt://${text}`);
  } catch {
    throw new Error(`${flag} needs a broker address like mqtt://192.168.1.10:1883 or mqtts://broker.example:8883`);
  }
  if (u.protocol !== 'mqtt:' && u.protocol !== 'mqtts:')
    throw new Error(`${flag}: use mqtt:// (plain) or mqtts:// (TLS), not ${u.protocol.replace(/:$/, '')}://`);
  if (u.username || u.password)
    throw new Error(
      `${flag}: put no user or password in the address (it would show in process lists and logs): use --mqtt-user, and --mqtt-password-file or ${MQTT_PASSWORD_ENV}`,
    );
  if (!u.hostname) throw new Error(`${flag} needs a host, like mqtt://192.168.1.10:1883`);
  if (u.port && (Number(u.port) < 1 || Number(u.port) > 65535)) throw new Error(`${flag}: the port must be from 1 to 65535`);
  return `${u.protocol}//${u.host}`;
}

/** The password in a file: its first line, without the line end. */
export function readPasswordFile(file: string): string {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new Error(
      `--mqtt-password-file: cannot read ${file} (${code === 'ENOENT' ? 'no such file' : code === 'EACCES' ? 'permission denied' : (code ?? 'unreadable')})`,
    );
  }
  const first = text.split(/\r?\n/)[0];
  if (first === '') throw new Error(`--mqtt-password-file: ${file} is empty (the password is its first line)`);
  return first;
}

/** The MQTT flags of the command line; each handled flag advances `i` past its value. */
export interface MqttFlagState {
  url?: string;
  username?: string;
  passwordFile?: string;
  baseTopic?: string;
  discoveryPrefix?: string;
  compat: MqttCompat[];
  compatDeviceName?: string;
  caFile?: string;
  insecure?: boolean;
  /** Only test the connection to the broker, then exit. */
  check?: boolean;
}

export const MQTT_HELP = `MQTT (Home Assistant, evcc, Node-RED):
  --mqtt URL              publish to an MQTT broker: mqtt://HOST:1883 or mqtts://HOST:8883
  --mqtt-user NAME        the broker's user name
  --mqtt-password-file F  the broker's password: the first line of file F (or set the
                          environment variable ${MQTT_PASSWORD_ENV}); never on the command line
  --mqtt-base-topic T     our topics go under T (default ${DEFAULT_BASE_TOPIC})
  --mqtt-discovery-prefix P
                          Home Assistant's discovery prefix (default ${DEFAULT_DISCOVERY_PREFIX});
                          --mqtt-no-discovery publishes no discovery configs
  --mqtt-compat jpp       also the topics of JuicePass Proxy's entities (hmd/...), for existing
                          flows and dashboards
  --mqtt-compat-device N  the device name in those topics (default JuiceBox)
  --mqtt-ca-file F        CA certificate (PEM) of an mqtts:// broker with its own CA
  --mqtt-insecure         accept an mqtts:// broker whose certificate cannot be verified
  --mqtt-check            only test the connection to the broker (with its user and password), say
                          whether it works, and exit (0 when it does)
`;

/**
 * Takes one MQTT flag (`flag`, with `value()` reading its value); false when `flag` is not one.
 * Throws an Error in words for a bad value.
 */
export function takeMqttFlag(state: MqttFlagState, flag: string, value: () => string): boolean {
  switch (flag) {
    case '--mqtt':
      state.url = checkBrokerUrl(flag, value());
      return true;
    case '--mqtt-user':
      state.username = value();
      return true;
    case '--mqtt-password':
      throw new Error(`--mqtt-password is not taken: a password on the command line shows in process lists; use --mqtt-password-file or ${MQTT_PASSWORD_ENV}`);
    case '--mqtt-password-file':
      state.passwordFile = value();
      return true;
    case '--mqtt-base-topic':
      state.baseTopic = checkTopicRoot(flag, value());
      return true;
    case '--mqtt-discovery-prefix':
      state.discoveryPrefix = checkTopicRoot(flag, value());
      return true;
    case '--mqtt-no-discovery':
      state.discoveryPrefix = '';
      return true;
    case '--mqtt-compat': {
      const v = value();
      for (const m of v.split(',')) {
        if (!(MQTT_COMPAT_MODES as readonly string[]).includes(m)) throw new Error(`--mqtt-compat: unknown topic set ${JSON.stringify(m)} (use jpp)`);
        if (!state.compat.includes(m as MqttCompat)) state.compat.push(m as MqttCompat);
      }
      return true;
    }
    case '--mqtt-compat-device':
      state.compatDeviceName = value();
      return true;
    case '--mqtt-ca-file':
      state.caFile = value();
      return true;
    case '--mqtt-insecure':
      state.insecure = true;
      return true;
    case '--mqtt-check':
      state.check = true;
      return true;
    default:
      return false;
  }
}

/** The options the flags and the environment give, or undefined without --mqtt. Reads the password file. */
export function mqttOptionsFrom(state: MqttFlagState, env: NodeJS.ProcessEnv): MqttOptions | undefined {
  const others = state.username ?? state.passwordFile ?? state.baseTopic ?? state.discoveryPrefix ?? state.caFile ?? (state.compat.length ? 'x' : undefined);
  if (!state.url) {
    if (others !== undefined) throw new Error('the MQTT options need --mqtt URL (the broker)');
    return undefined;
  }
  const password = state.passwordFile !== undefined ? readPasswordFile(state.passwordFile) : env[MQTT_PASSWORD_ENV] || undefined;
  if (password !== undefined && state.username === undefined) throw new Error('a broker password needs --mqtt-user (the user it belongs to)');
  if (state.caFile !== undefined) {
    try {
      readFileSync(state.caFile);
    } catch {
      throw new Error(`--mqtt-ca-file: cannot read ${state.caFile}`);
    }
  }
  return {
    url: state.url,
    username: state.username,
    password,
    baseTopic: state.baseTopic,
    discoveryPrefix: state.discoveryPrefix,
    compat: state.compat,
    compatDeviceName: state.compatDeviceName,
    caFile: state.caFile,
    insecure: state.insecure,
  };
}
