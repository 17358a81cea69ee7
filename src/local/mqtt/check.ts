// `juicenet-local --mqtt URL --mqtt-check`: connects to the broker once with the given user and
// password, says in words whether that worked, and disconnects. The setup assistant's Home
// Assistant step runs it to test a broker before the server uses it.
import { readFileSync } from 'node:fs';
import mqtt from 'mqtt';
import { connectionWords } from './bridge';
import { brokerAddress, type MqttOptions } from './options';

export async function checkBroker(o: MqttOptions, timeoutMs = 8000): Promise<{ ok: boolean; words: string }> {
  const broker = brokerAddress(o.url);
  const client = mqtt.connect(o.url, {
    clientId: `juicenet-local-check-${Math.random().toString(16).slice(2, 10)}`,
    username: o.username,
    password: o.password,
    reconnectPeriod: 0,
    connectTimeout: timeoutMs,
    ...(o.caFile ? { ca: readFileSync(o.caFile) } : {}),
    ...(o.insecure ? { rejectUnauthorized: false } : {}),
  });
  const result = await new Promise<{ ok: boolean; words: string }>((resolve) => {
    const timer = setTimeout(() => resolve({ ok: false, words: `cannot connect to ${broker}: no answer within ${Math.round(timeoutMs / 1000)} s` }), timeoutMs);
    client.once('connect', () => {
      clearTimeout(timer);
      resolve({ ok: true, words: `connected to ${broker}${o.username ? ` as ${o.username}` : ''}` });
    });
    client.once('error', (e) => {
      clearTimeout(timer);
      resolve({ ok: false, words: `cannot connect to ${broker}: ${connectionWords(e as Error & { code?: string | number })}` });
    });
  });
  await new Promise<void>((r) => client.end(true, {}, () => r()));
  return result;
}
