// The setup assistant's Home Assistant step (MQTT): what the page shows and what it may ask. The
// broker password never travels to the page: it only learns whether one is kept.
import * as z from 'zod';

export const setupHomeAssistantSchema = z.object({
  /** The broker in the settings (juicenet.localServer.mqttUrl); empty: not set up. */
  url: z.string(),
  user: z.string(),
  /** A password is kept in VS Code's secret storage. */
  passwordSet: z.boolean(),
  proxyTopics: z.boolean(),
  /** The running server's connection, from its diagnostics (absent: it publishes to no broker, or does not run). */
  connection: z.object({ connected: z.boolean(), broker: z.string(), text: z.string() }).optional(),
  /** The last broker test, in words. */
  test: z.object({ ok: z.boolean(), text: z.string() }).optional(),
  /** The devices that will appear in Home Assistant (the chargers' names), and what each one has. */
  devices: z.array(z.string()),
  entities: z.array(z.string()),
  /** The settings apply when the server next starts (it runs now with others). */
  restartNeeded: z.boolean(),
});
export type SetupHomeAssistant = z.infer<typeof setupHomeAssistantSchema>;

/** Page -> host: save the broker settings, test them, set or clear the password (asked by the host, never in the page). */
export const setupMqttMessageSchema = z.object({
  kind: z.literal('mqtt'),
  action: z.enum(['save', 'test', 'password', 'clearPassword']),
  url: z.string().max(300).optional(),
  user: z.string().max(200).optional(),
  proxyTopics: z.boolean().optional(),
});
export type SetupMqttMessage = z.infer<typeof setupMqttMessageSchema>;
