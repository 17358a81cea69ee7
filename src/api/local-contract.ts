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

export const localDiagnosticsSchema = z.object({
  success,
  server: z.object({
    version: z.string().catch('unknown'),
    schemaVersion: z.number().int().optional(),
    udpPort: z.number().int(),
    datagrams: count,
    replies: count,
    errors: count,
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

// ---- /local/health ----

export const localHealthSchema = z.object({ ok: z.literal(true) });
export type LocalHealthReply = z.input<typeof localHealthSchema>;
