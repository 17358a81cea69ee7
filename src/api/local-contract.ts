// The contract of JuiceNet Local's own endpoints (`/local/...`, beside the 16 commands): every path
// once, and the zod schemas of what each takes and answers. The server (src/local/server.ts)
// builds its replies as these schemas' input types and the extension (./local-diagnostics,
// ./local-events, src/setup, src/state) parses them with the same schemas, so the compiler checks
// one against the other. Imports zod only: both programs import it.
import * as z from 'zod';

/** The paths of JuiceNet Local's endpoints, declared once. */
export const LOCAL_PATHS = {
  /** POST {account_token}: what arrived over UDP, per box serial (answered on the server's machine only). */
  diagnostics: '/local/diagnostics',
  /** POST {account_token} (the owner's): a new account, for a household member to share a charger with. */
  accounts: '/local/accounts',
  /** GET, with the owner's account token as a bearer token: server-sent `change` events. */
  events: '/local/events',
  /** GET or POST: {ok: true} while the server runs (uncounted, no token). */
  health: '/local/health',
  /** POST {account_token, unit_id, monitor_only}: a box's monitor-only switch (recorded and served, never sent a command). */
  monitorOnly: '/local/monitor-only',
  /** POST {account_token, action, ...}: smart charging (circuits, ready by, solar, the meter, the tariff); see localSmartRequestSchema. */
  smart: '/local/smart',
} as const;
export type LocalPath = (typeof LOCAL_PATHS)[keyof typeof LOCAL_PATHS];

/** Every POST reply of JuiceNet Local carries the protocol's `success` flag (src/server/http adds it). */
const success = z.literal(true).optional();

// ---- requests ----

/** What /local/diagnostics and /local/accounts take: the owner's account token. */
export const localOwnerRequestSchema = z.object({ account_token: z.string() });
export type LocalOwnerRequest = z.infer<typeof localOwnerRequestSchema>;

// ---- /local/diagnostics ----

const count = z.number().int().nonnegative().catch(0);

/** One stream a box reports on: this server's port, the box's address and port. */
export const localStreamSchema = z.object({
  udpPort: z.number().int(),
  address: z.string(),
  port: z.number().int(),
  firstReportS: z.number(),
  lastReportS: z.number(),
  reports: count,
  /** The stream replies go to (the newest of those alive). */
  active: z.boolean(),
});

/** One of the server's UDP ports: listening, or why not (in words), and its traffic. */
export const localUdpPortSchema = z.object({
  /** The port asked for (0 = any free one). */
  requested: z.number().int(),
  port: z.number().int().optional(),
  listening: z.boolean(),
  error: z.string().optional(),
  datagrams: count,
  replies: count,
  /** Dropped by the flood limits (one source or one port sending far more than boxes do). */
  dropped: count,
});

export const localBoxDiagnosticsSchema = z.object({
  reports: count,
  checksumFailures: count,
  encryptedReports: count,
  refusedFromOtherAddress: count,
  lastRawReport: z.string().optional(),
  /** Epoch seconds of the last valid status report. */
  lastReportS: z.number().optional(),
  protocolVersion: z.string().optional(),
  firmware: z.string().optional(),
  address: z.string().optional(),
  debugLines: z.array(z.string()).catch([]),
  missCrc: count,
  /** True once the box sent a valid status report (the server then knows it as a unit). */
  known: z.boolean().catch(false),
  online: z.boolean().optional(),
  firstAddress: z.string().optional(),
  // What the server watches of a known box:
  /** The server's UDP port the box reports to (its active stream: replies go there). */
  udpPort: z.number().int().optional(),
  /** The box's own UDP port on that stream. */
  sourcePort: z.number().int().optional(),
  /** The streams the box reported on lately (more than one: it moved, or reports to two ports). */
  streams: z.array(localStreamSchema).optional(),
  /** "unreachable since 14:05" (in the box's zone) while it is silent. */
  unreachable: z.string().optional(),
  unreachableSinceS: z.number().optional(),
  /** Recorded and served, never sent a command. */
  monitorOnly: z.boolean().optional(),
  /** The online limit the last reply carried, and the one the box reports having. */
  sentLimitA: z.number().optional(),
  reportedLimitA: z.number().optional(),
  /** Reports in a row whose limit was not the one sent; `ignoring`: the words (with likely causes) once the box is flagged. */
  ignoredReports: count.optional(),
  ignoring: z.string().optional(),
  /** The owner's offline limit (kept in the box's EEPROM), the one the box reports, and the replies that changed it. */
  offlineLimitA: z.number().optional(),
  reportedOfflineLimitA: z.number().optional(),
  offlineLimitWrites: count.optional(),
});

/** Milliseconds over the last replies: how fast the server answers its boxes. */
const latencySchema = z.object({ count, p50: z.number().optional(), p99: z.number().optional(), max: z.number().optional() });

export const webhookDeliverySchema = z.object({
  unitId: z.string(),
  event: z.string(),
  url: z.string(),
  method: z.enum(['PUT', 'POST']),
  status: z.enum(['delivered', 'failed']),
  attempts: count,
  lastError: z.string().optional(),
});

/** The server's MQTT connection (present when it was started with a broker). */
export const localMqttStatusSchema = z.object({
  /** host:port of the broker. */
  broker: z.string(),
  connected: z.boolean(),
  /** Why it is not connected, in words. */
  reason: z.string().optional(),
  /** Epoch seconds of the last change. */
  sinceS: z.number(),
  boxes: count,
  published: count,
  commands: count,
  refused: count,
});
export type LocalMqttStatus = z.infer<typeof localMqttStatusSchema>;

export const localDiagnosticsSchema = z.object({
  success,
  server: z.object({
    version: z.string().catch('unknown'),
    schemaVersion: z.number().int().optional(),
    /** The first UDP port listening (see udpPorts). */
    udpPort: z.number().int(),
    /** Every UDP port it listens on (by default those JuiceBoxes use: 8042, 8047, 9004, 8055). */
    udpPorts: z.array(z.number().int()).optional(),
    /** Every UDP port asked for: listening or why not (in words), and its traffic. */
    ports: z.array(localUdpPortSchema).optional(),
    datagrams: count,
    replies: count,
    errors: count,
    dropped: count.optional(),
    /** From a report's arrival to its reply sent. */
    replyMs: latencySchema.optional(),
    /** The report's handling inside the server. */
    handlingMs: latencySchema.optional(),
  }),
  /** Datagrams that were no box's report: counted, the last few in words. */
  unattributed: z.object({ count, recent: z.array(z.string()).catch([]) }).catch({ count: 0, recent: [] }),
  boxes: z.record(z.string(), localBoxDiagnosticsSchema).catch({}),
  /** Serials that reported but are on no account yet. */
  waitingToBeAdded: z.array(z.string()).catch([]),
  /** The charger notifications sent as webhooks: how many wait, the last deliveries. */
  webhooks: z.object({ pending: count, recent: z.array(webhookDeliverySchema).catch([]) }).optional(),
  /** The MQTT connection (Home Assistant, evcc), when the server publishes to a broker. */
  mqtt: localMqttStatusSchema.optional().catch(undefined),
});

export type LocalBoxDiagnostics = z.infer<typeof localBoxDiagnosticsSchema>;
export type LocalDiagnostics = z.infer<typeof localDiagnosticsSchema>;
/** What the server sends: the schema's input, checked by the compiler where the server builds it. */
export type LocalDiagnosticsReply = z.input<typeof localDiagnosticsSchema>;

// ---- /local/accounts ----

export const localAccountReplySchema = z.object({ success, account_token: z.string() });
export type LocalAccountReply = z.input<typeof localAccountReplySchema>;

// ---- /local/events ----

/** The event name of a change on /local/events. */
export const LOCAL_CHANGE_EVENT = 'change';

/** One `change` event's data: the units whose reports arrived. */
export const localChangeSchema = z.object({
  units: z.array(z.string()),
  /** Epoch seconds of the newest report among them (the server's clock). */
  atS: z.number().catch(0),
});
export type LocalChange = z.infer<typeof localChangeSchema>;
export type LocalChangeReply = z.input<typeof localChangeSchema>;

/** The event name of an alert on /local/events. */
export const LOCAL_ALERT_EVENT = 'alert';

/** One `alert` event's data: what happened to a box, in words to show. */
export const localAlertSchema = z.object({
  unit: z.string(),
  kind: z.enum(['silent', 'back', 'disobeying', 'obeying', 'stream']),
  words: z.string(),
  /** Epoch seconds when the server noticed. */
  atS: z.number().catch(0),
});
export type LocalAlert = z.infer<typeof localAlertSchema>;
export type LocalAlertReply = z.input<typeof localAlertSchema>;

// ---- /local/monitor-only ----

export const localMonitorOnlyRequestSchema = z.object({ account_token: z.string(), unit_id: z.string(), monitor_only: z.boolean() });
export type LocalMonitorOnlyRequest = z.infer<typeof localMonitorOnlyRequestSchema>;
export const localMonitorOnlyReplySchema = z.object({ success, unit_id: z.string(), monitor_only: z.boolean() });
export type LocalMonitorOnlyReply = z.input<typeof localMonitorOnlyReplySchema>;

// ---- /local/health ----

export const localHealthSchema = z.object({ ok: z.literal(true) });
export type LocalHealthReply = z.input<typeof localHealthSchema>;

// ---- /local/smart ----

const unitId = z.string().min(1).max(64);
const solarMode = z.enum(['off', 'solar-only', 'solar-plus-min']);
const tariffWindow = z.object({ from: z.unknown(), to: z.unknown(), centsPerKwh: z.unknown() }).partial();

/** Where the grid power comes from: nothing, an HTTP JSON endpoint polled, or an MQTT topic. */
export const localMeterConfigSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('none') }),
  z.object({
    kind: z.literal('http'),
    url: z.string().min(1).max(2000),
    /** Dotted path to the value in the JSON ("" when the body is the number itself). */
    path: z.string().max(200).default(''),
    /** 1: the value is positive when importing; -1: positive when exporting. */
    sign: z.union([z.literal(1), z.literal(-1)]).default(1),
    intervalS: z.number().min(1).max(300).default(5),
  }),
  z.object({
    kind: z.literal('mqtt'),
    url: z.string().min(1).max(2000),
    topic: z.string().min(1).max(500),
    path: z.string().max(200).default(''),
    sign: z.union([z.literal(1), z.literal(-1)]).default(1),
    username: z.string().max(200).optional(),
    password: z.string().max(500).optional(),
  }),
]);
export type LocalMeterConfig = z.infer<typeof localMeterConfigSchema>;

/** What /local/smart takes: the owner's token and one action. */
export const localSmartRequestSchema = z.intersection(
  localOwnerRequestSchema,
  z.discriminatedUnion('action', [
    z.object({ action: z.literal('status') }),
    z.object({
      action: z.literal('set-circuit'),
      /** Replaces the circuit with this id; a new one without. */
      id: z.string().max(64).optional(),
      name: z.string(),
      /** The current the circuit may carry continuously (A). */
      capacityA: z.number(),
      unitIds: z.array(unitId),
    }),
    z.object({ action: z.literal('remove-circuit'), id: z.string() }),
    /** Writes the suggested offline limits to the circuit's boxes (each keeps it in its memory). */
    z.object({ action: z.literal('confirm-offline-limits'), id: z.string() }),
    z.object({
      action: z.literal('set-ready-by'),
      unitId,
      /** "07:00" in the charger's time zone. */
      readyBy: z.string().max(10),
      energyWh: z.number().positive().max(500_000).optional(),
      stateOfCharge: z
        .object({ batteryKwh: z.number().positive().max(500), fromPercent: z.number().min(0).max(100), toPercent: z.number().min(0).max(100) })
        .optional(),
    }),
    z.object({ action: z.literal('cancel-ready-by'), unitId }),
    z.object({ action: z.literal('set-solar'), unitId, mode: solarMode }),
    z.object({ action: z.literal('set-meter'), meter: localMeterConfigSchema }),
    /** The owner's tariff (the extension's juicenet.tariff settings, as typed). */
    z.object({
      action: z.literal('set-tariff'),
      tariff: z.object({ mode: z.unknown(), weekday: z.array(tariffWindow).optional(), weekend: z.array(tariffWindow).optional() }),
    }),
  ]),
);
export type LocalSmartRequest = z.input<typeof localSmartRequestSchema>;

const shareKind = z.enum(['sharing', 'paused', 'waiting-for-others', 'idle']);
const solarKind = z.enum(['tracking', 'paused', 'minimum', 'meter-lost']);

/** One box's smart-charging state (src/domain/smart/reason.ts SmartBoxState). */
export const smartBoxStateSchema = z.object({
  unitId: z.string(),
  limitA: z.number(),
  ownerLimitA: z.number(),
  circuit: z
    .object({
      id: z.string(),
      name: z.string(),
      capacityA: z.number(),
      boxes: z.number(),
      shareA: z.number(),
      targetA: z.number(),
      kind: shareKind,
      turnAtS: z.number().optional(),
    })
    .optional(),
  readyBy: z
    .object({
      readyByMin: z.number(),
      energyWh: z.number(),
      addedWh: z.number(),
      deadlineS: z.number(),
      slots: z.array(z.object({ startS: z.number(), endS: z.number(), centsPerKwh: z.number() })),
      costCents: z.number(),
      readyAtS: z.number(),
      feasible: z.boolean(),
      chargeNow: z.boolean(),
    })
    .optional(),
  solar: z.object({ mode: solarMode, kind: solarKind, limitA: z.number(), surplusA: z.number().optional(), problem: z.string().optional() }).optional(),
});

export const localCircuitStatusSchema = z.object({
  id: z.string(),
  name: z.string(),
  capacityA: z.number(),
  unitIds: z.array(z.string()),
  /** What the boxes may draw together now (never above the capacity while the rules hold). */
  mayDrawA: z.number(),
  offlineFit: z.object({ fits: z.boolean(), totalA: z.number(), suggestedA: z.record(z.string(), z.number()), message: z.string() }),
});

export const localSmartStatusSchema = z.object({
  success,
  boxes: z.array(smartBoxStateSchema).catch([]),
  circuits: z.array(localCircuitStatusSchema).catch([]),
  meter: z.object({
    kind: z.enum(['none', 'http', 'mqtt']),
    /** Where it reads (without any password). */
    where: z.string().optional(),
    gridW: z.number().optional(),
    atS: z.number().optional(),
    problem: z.string().optional(),
  }),
  /** The tariff the plans use, in words (with what is wrong with it, if anything). */
  tariff: z.string(),
  /** After an action: what it did, in words. */
  message: z.string().optional(),
});
export type LocalSmartStatus = z.infer<typeof localSmartStatusSchema>;
export type LocalSmartStatusReply = z.input<typeof localSmartStatusSchema>;
