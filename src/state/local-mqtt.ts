// The MQTT side of a local server run from VS Code: the command-line options its settings give
// (the password never among them: it goes by the environment, from secret storage), and the
// broker test the setup assistant offers, run by the server's own program (`--mqtt-check`), so
// that the extension needs no MQTT client of its own. No vscode import.
import { fork, spawn } from 'node:child_process';

/** The settings of the MQTT side (juicenet.localServer.mqtt*). */
export interface LocalMqttSettings {
  /** mqtt://host:1883 or mqtts://host:8883; empty: no MQTT. */
  url: string;
  user: string;
  /** Also the topics of JuicePass Proxy (for flows and dashboards made for it). */
  proxyTopics: boolean;
}

/** The variable the server reads the broker password from. */
export const MQTT_PASSWORD_ENV = 'JUICENET_MQTT_PASSWORD';

/** A broker address as the server takes it, or a message in words. */
export function checkMqttUrl(url: string): string | undefined {
  const t = url.trim();
  if (t === '') return 'Type the broker address, for example mqtt://192.168.1.10:1883.';
  let u: URL;
  try {
    u = new URL(t.includes('://') ? t : `mqtt://${t}`);
  } catch {
    return `"${t}" is not a broker address: use mqtt://HOST:1883 or mqtts://HOST:8883.`;
  }
  if (u.protocol !== 'mqtt:' && u.protocol !== 'mqtts:') return 'Use mqtt:// (plain) or mqtts:// (TLS).';
  if (u.username || u.password) return 'Put no user or password in the address: the user has its own field, the password is kept in secret storage.';
  if (!u.hostname) return 'The address needs a host, like mqtt://192.168.1.10:1883.';
  return undefined;
}

/** The server's options and environment for these settings. */
export function mqttProcessExtra(s: LocalMqttSettings, password: string | undefined): { args: string[]; env: NodeJS.ProcessEnv } {
  const url = s.url.trim();
  if (url === '' || checkMqttUrl(url) !== undefined) return { args: [], env: {} };
  const args = ['--mqtt', url.includes('://') ? url : `mqtt://${url}`];
  if (s.user.trim() !== '') args.push('--mqtt-user', s.user.trim());
  if (s.proxyTopics) args.push('--mqtt-compat', 'jpp');
  return { args, env: password && s.user.trim() !== '' ? { [MQTT_PASSWORD_ENV]: password } : {} };
}

/** Tests a broker with the server's own program: connected, or the reason in words. */
export function checkBrokerWithServer(
  o: { nodePath?: string; cliPath: string; env?: NodeJS.ProcessEnv },
  s: LocalMqttSettings,
  password: string | undefined,
  timeoutMs = 15_000,
): Promise<{ ok: boolean; words: string }> {
  const bad = checkMqttUrl(s.url);
  if (bad) return Promise.resolve({ ok: false, words: bad });
  const extra = mqttProcessExtra(s, password);
  return new Promise((resolve) => {
    let out = '';
    const args = [...extra.args, '--mqtt-check'];
    const env = { ...process.env, ...o.env, ...extra.env };
    // As the server itself runs: a given Node.js, or the editor's own runtime as Node.
    const child = o.nodePath
      ? spawn(o.nodePath, [o.cliPath, ...args], { stdio: ['ignore', 'pipe', 'pipe'], env })
      : fork(o.cliPath, args, {
          execPath: process.execPath,
          execArgv: [],
          stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
          env: { ...env, ELECTRON_RUN_AS_NODE: '1' },
        });
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.stdout!.on('data', (c: Buffer) => (out += c.toString()));
    child.stderr!.on('data', (c: Buffer) => (out += c.toString()));
    child.on('error', (e) => {
      clearTimeout(timer);
      resolve({ ok: false, words: `the server's program could not run (${e.message})` });
    });
    child.on('exit', (code) => {
      clearTimeout(timer);
      const line = /MQTT: (.*)/.exec(out)?.[1] ?? /juicenet-local: (.*)/.exec(out)?.[1] ?? 'no answer';
      resolve({ ok: code === 0, words: line.trim() });
    });
  });
}
