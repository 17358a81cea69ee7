// The extension <-> unit panel messages, declared once (zod) and imported by both sides.
// Every message that crosses is parsed with these schemas; anything else is refused and logged.
// Nothing here ever carries a token: the host calls the client itself.
// A namespace import: esbuild can then drop zod's locales (85 KB instead of 450 KB minified).
import * as z from 'zod';

const num = z.number().finite();
const optNum = num.optional();

// ---- shapes shared by requests and replies ----

/**
 * A window the panel may send: validateWindow's bounds (src/domain/schedule.ts), so that the host's
 * client never refuses one the schema let through. A window cannot start at 24:00 (that is 00:00).
 */
export const scheduleWindowSchema = z.object({
  start: z.number().int().min(0).max(1439, 'a window cannot start at 24:00 (use 00:00)'),
  end: z.number().int().min(0).max(1440),
  carReadyBy: z.number().int().min(0).max(1440),
});
/** A window as the server reports it: a start of 1440 is shown (and then refused by the editor), not hidden. */
export const reportedScheduleWindowSchema = scheduleWindowSchema.extend({ start: z.number().int().min(0).max(1440) });
export const scheduleSchema = z.object({
  type: z.enum(['disabled', 'custom']),
  weekday: reportedScheduleWindowSchema,
  weekend: reportedScheduleWindowSchema,
  infoTimestamp: optNum,
});

export const webhookSchema = z.object({
  url: z.string().optional(),
  method: z.enum(['PUT', 'POST']).optional(),
  authorizationHeaders: z.string().optional(),
});
export const notificationSettingSchema = z.object({
  email: z.boolean(),
  push: z.boolean(),
  time: z.number().int().min(0).max(1440).optional(),
  webhook: webhookSchema.optional(),
});
export const notificationSettingsSchema = z.record(z.string(), notificationSettingSchema);

export const historySessionSchema = z.object({
  id: optNum,
  timeStart: optNum,
  timeEnd: optNum,
  durationS: optNum,
  energyWh: optNum,
  savingsCents: optNum,
});
export const historyPageSchema = z.object({
  sessions: z.array(historySessionSchema),
  continuityToken: z.string().optional(),
});
export const plotPointSchema = z.object({ t: num, v: num });

/** A session as the history cache keeps it, with its power samples when read (Insights). */
export const cachedSessionSchema = historySessionSchema.extend({
  samples: z.object({ t0: num, stepS: num.positive(), w: z.array(num).max(10_000) }).optional(),
});
/** One charger's part of the Insights: its get_info facts and its cached sessions. */
export const insightsChargerSchema = z.object({
  unitId: z.string(),
  name: z.string(),
  /** IANA zone of the charger. */
  zone: z.string(),
  ecostCents: optNum,
  gasCentsPerGallon: optNum,
  mpg: optNum,
  whPerMile: optNum,
  sessions: z.array(cachedSessionSchema),
  /** The electricity prices over time: a session is costed at the one in force on its day. */
  priceHistory: z
    .array(z.object({ fromDay: z.number().int(), centsPerKwh: num.nonnegative() }))
    .max(10_000)
    .optional(),
  /** The session running now (not in the history until it ends), counted in today. */
  running: z.object({ timeStart: num, energyWh: num.nonnegative() }).optional(),
  /** Every page of the history was read at least once. */
  complete: z.boolean(),
  /** Sessions read from the server this time (the others came from the cache). */
  newSessions: z.number().int().nonnegative(),
  /** Sessions without power samples while a time-of-use tariff is set. */
  samplesMissing: z.number().int().nonnegative(),
  error: z.string().optional(),
});
export const insightsResultSchema = z.object({
  chargers: z.array(insightsChargerSchema),
  /** The juicenet.tariff settings as typed; the page validates them (src/domain/insights). */
  tariff: z.object({ mode: z.unknown(), weekday: z.unknown(), weekend: z.unknown() }),
  co2GramsPerKwh: z.unknown(),
  nowS: num,
  scope: z.enum(['unit', 'account']),
});
/**
 * How an Overview control's write ended: `confirmed` only when the read-back shows what was sent,
 * `replyLost` when the reply was lost and the read-back settled it, and the limit read back.
 */
export const controlResultSchema = z.object({
  confirmed: z.boolean(),
  replyLost: z.boolean(),
  limitAmps: optNum,
  /** Start Charging restored this limit first (the one Stop Charging remembered, or the one asked for). */
  restoredAmps: optNum,
  /** Stop Charging: the limit before, which Start Charging restores. */
  previousAmps: optNum,
  /** Start and Stop: what was done, in a sentence (src/domain/start-stop.ts), or why nothing was sent. */
  text: z.string().optional(),
  /** Start sent an override (the page then offers to cancel it). */
  override: z.boolean().optional(),
  /** Nothing was sent: `text` says why. */
  nothingToDo: z.boolean().optional(),
});
export type ControlResult = z.infer<typeof controlResultSchema>;
export type HistorySession = z.infer<typeof historySessionSchema>;
export type PlotPoint = z.infer<typeof plotPointSchema>;

/** get_info as the panel sees it: the raw object (edited and sent back) and its timestamp. */
export const infoResultSchema = z.object({
  raw: z.record(z.string(), z.unknown()),
  infoTimestamp: optNum,
});

/** set_info outcome: saved, or refused because the server's info moved on since the form was loaded. */
export const setInfoResultSchema = z.discriminatedUnion('outcome', [
  z.object({ outcome: z.literal('saved') }),
  z.object({
    outcome: z.literal('conflict'),
    serverInfoTimestamp: optNum,
    loadedInfoTimestamp: optNum,
  }),
]);

const co2Schema = z.object({ nonstop: optNum, actual: optNum }).optional();
/** UnitStatus, as far as the panel shows it (unknown extra fields are dropped). */
export const unitStatusSchema = z.object({
  unitId: z.string(),
  state: z.string(),
  rawState: z.string(),
  infoTimestamp: optNum,
  showOverride: z.boolean().optional(),
  charging: z.object({
    ampsLimit: optNum,
    ampsCurrent: optNum,
    voltageV: optNum,
    energyWh: optNum,
    savingsCents: optNum,
    powerW: optNum,
    secondsCharging: optNum,
    co2: co2Schema,
  }),
  lifetime: z.object({ energyWh: optNum, savingsCents: optNum, co2: co2Schema }),
  chargingTimeLeftS: optNum,
  overrideTime: optNum,
  targetTime: optNum,
  temperatureC: optNum,
  frequencyHz: optNum,
  updateIntervalS: optNum,
});

/** UnitView without anything secret: what the Overview tab renders. */
export const unitSnapshotSchema = z.object({
  unitId: z.string(),
  /** The account the panel shows the unit through (a charger may be seen by two accounts). */
  accountId: z.string().optional(),
  name: z.string(),
  accountLabel: z.string(),
  demo: z.boolean(),
  stale: z.boolean(),
  lastGoodAt: optNum,
  error: z.string().optional(),
  status: unitStatusSchema.optional(),
  /** "full at 06:40" and its explanation (src/domain/insights fullAtText), while charging. */
  fullAt: z.object({ short: z.string().optional(), detail: z.string().optional() }).optional(),
  /** The highest limit the unit accepts (min of its wire and unit ratings), when get_info told it. */
  maxAmps: optNum,
  /** Why the car is (not) charging (domain/charging-reason), as the tree and the status bar say it. */
  reason: z.object({ kind: z.string(), short: z.string(), detail: z.string(), todo: z.string(), actions: z.array(z.string()).max(20).optional() }).optional(),
  /** Epoch seconds of the hold set by Hold Charging Until, while it has not passed. */
  holdUntilS: optNum,
  /** The IANA zone every time of this charger is shown in (domain/time-zone chargerZone). */
  zone: z.string().optional(),
  /** Why the times are in this computer's zone, when the charger reports none. */
  zoneNote: z.string().optional(),
  /** What JuiceNet Local's smart charging does (src/domain/smart smartSummary): its rules in words, a plan's hours. */
  smart: z
    .object({
      lines: z.array(z.string()),
      plan: z
        .object({
          hours: z.array(z.object({ from: z.string(), to: z.string(), price: z.string() })),
          cost: z.string(),
          readyAt: z.string(),
          energy: z.string(),
        })
        .optional(),
    })
    .optional(),
});
export type UnitSnapshot = z.infer<typeof unitSnapshotSchema>;

// ---- requests (webview -> host) ----

/** method -> [params schema, result schema]. The one table both sides use. */
export const methods = {
  getUnit: [z.object({}), unitSnapshotSchema.nullable()],
  refresh: [z.object({}), z.object({})],
  getHistoryPage: [z.object({ continuityToken: z.string().optional() }), historyPageSchema],
  getPlot: [z.object({ sessionId: z.number().int(), intervals: z.number().int().min(2).max(5000) }), z.array(plotPointSchema)],
  getInfo: [z.object({}), infoResultSchema],
  setInfo: [
    z.object({
      raw: z.record(z.string(), z.unknown()),
      /** info_timestamp of the form as loaded; the host compares it with a fresh get_info. */
      loadedInfoTimestamp: optNum,
      /** "Overwrite anyway": skip the conflict check. */
      force: z.boolean().optional(),
    }),
    setInfoResultSchema,
  ],
  getSchedule: [z.object({}), scheduleSchema],
  setSchedule: [z.object({ type: scheduleSchema.shape.type, weekday: scheduleWindowSchema, weekend: scheduleWindowSchema }), scheduleSchema],
  getNotifications: [z.object({}), notificationSettingsSchema],
  setNotifications: [z.object({ settings: notificationSettingsSchema }), notificationSettingsSchema],
  /** Insights: this charger's (or its account's) sessions from the history cache, brought up to date. */
  getInsights: [z.object({ scope: z.enum(['unit', 'account']) }), insightsResultSchema],
  /** The unit's power over the last hour, from the readings the extension polled (oldest first). */
  getRecentPower: [z.object({}), z.array(plotPointSchema)],
  /** Overview controls: the verified writes the commands use (src/state/unit-writes.ts). */
  setLimit: [z.object({ amps: z.number().int().min(0).max(1000) }), controlResultSchema],
  stopCharging: [z.object({}), controlResultSchema],
  /** `restoreAmps`: the limit to charge at when the unit is off (0 A) and no earlier limit is remembered. */
  startCharging: [z.object({ restoreAmps: z.number().int().min(1).max(1000).optional() }), controlResultSchema],
  holdUntil: [z.object({ epochS: z.number().int().positive() }), controlResultSchema],
  /** Cancel Override: set_override 0, verified (the schedule applies again). */
  cancelOverride: [z.object({}), controlResultSchema],
  /** The webview hands the CSV text over; the host asks where to save it. */
  saveCsv: [z.object({ csv: z.string().max(50_000_000), suggestedName: z.string().max(200) }), z.object({ saved: z.boolean(), path: z.string().optional() })],
} as const;

export type MethodName = keyof typeof methods;
export type Params<M extends MethodName> = z.infer<(typeof methods)[M][0]>;
export type Result<M extends MethodName> = z.infer<(typeof methods)[M][1]>;

const methodNames = Object.keys(methods) as [MethodName, ...MethodName[]];

export const requestSchema = z.object({
  kind: z.literal('request'),
  id: z.number().int().nonnegative(),
  method: z.enum(methodNames),
  params: z.unknown(),
});
export type RequestMessage = { kind: 'request'; id: number; method: MethodName; params: unknown };

export const webviewMessageSchema = z.discriminatedUnion('kind', [
  requestSchema,
  /** The page has loaded and wants its first push. */
  z.object({ kind: z.literal('ready') }),
]);
export type WebviewMessage = z.infer<typeof webviewMessageSchema>;

// ---- host -> webview ----

/**
 * Why a write did not end plainly, when the page must say something other than "not saved":
 * - 'unverifiedWrite': the server accepted the write, but reading the charger back failed, so what it
 *   holds now is unknown (UnverifiedWriteError);
 * - 'uncertainWrite': the write's reply was lost and the read-back did not show the change, or could
 *   not be made (UncertainWriteError).
 */
export const errorCodeSchema = z.enum(['unverifiedWrite', 'uncertainWrite']);
export type ErrorCode = z.infer<typeof errorCodeSchema>;
export const errorInfoSchema = z.object({ message: z.string(), nextStep: z.string().optional(), code: errorCodeSchema.optional() });
export type ErrorInfo = z.infer<typeof errorInfoSchema>;

export const replySchema = z.discriminatedUnion('ok', [
  z.object({ kind: z.literal('reply'), id: z.number().int(), ok: z.literal(true), result: z.unknown() }),
  z.object({ kind: z.literal('reply'), id: z.number().int(), ok: z.literal(false), error: errorInfoSchema }),
]);
export const pushSchema = z.discriminatedUnion('type', [
  z.object({
    kind: z.literal('push'),
    type: z.literal('unit'),
    unit: unitSnapshotSchema.nullable(),
  }),
  /** Show the Insights tab (juicenet.openInsights), for this charger or every charger of its account. */
  z.object({ kind: z.literal('push'), type: z.literal('showInsights'), scope: z.enum(['unit', 'account']) }),
]);
export const hostMessageSchema = z.union([replySchema, pushSchema]);
export type ReplyMessage = z.infer<typeof replySchema>;
export type PushMessage = z.infer<typeof pushSchema>;
export type HostMessage = z.infer<typeof hostMessageSchema>;

/** A short description of why a message was refused, naming the path (for the log). */
export function describeZodError(err: z.ZodError): string {
  return err.issues
    .slice(0, 5)
    .map((i) => `${i.path.length ? i.path.join('.') : '(message)'}: ${i.message}`)
    .join('; ');
}

export type Parsed<T> = { ok: true; value: T } | { ok: false; reason: string };

export function parseWebviewMessage(raw: unknown): Parsed<WebviewMessage> {
  const r = webviewMessageSchema.safeParse(raw);
  return r.success ? { ok: true, value: r.data } : { ok: false, reason: describeZodError(r.error) };
}
export function parseHostMessage(raw: unknown): Parsed<HostMessage> {
  const r = hostMessageSchema.safeParse(raw);
  return r.success ? { ok: true, value: r.data } : { ok: false, reason: describeZodError(r.error) };
}
export function parseParams<M extends MethodName>(method: M, raw: unknown): Parsed<Params<M>> {
  const r = methods[method][0].safeParse(raw);
  return r.success ? { ok: true, value: r.data as Params<M> } : { ok: false, reason: describeZodError(r.error) };
}
export function parseResult<M extends MethodName>(method: M, raw: unknown): Parsed<Result<M>> {
  const r = methods[method][1].safeParse(raw);
  return r.success ? { ok: true, value: r.data as Result<M> } : { ok: false, reason: describeZodError(r.error) };
}
