// The extension <-> setup assistant messages (zod), imported by both sides. The host builds the
// whole page model (src/setup/model.ts) and pushes it; the page renders it and asks for actions.
// Nothing here carries a token.
import * as z from 'zod';
import { setupHomeAssistantSchema, setupMqttMessageSchema } from './setup-mqtt-messages';

export const setupProblemSchema = z.object({
  kind: z.enum(['encrypted', 'newer-firmware', 'not-obeying', 'monitor-only', 'checksum', 'miss-crc', 'other-address', 'offline']),
  title: z.string(),
  meaning: z.string(),
  remedy: z.string(),
  /** Lines to paste for the remedy (DNS entries), when there are some. */
  lines: z.string().optional(),
});

export const pasteBlockSchema = z.object({ id: z.string(), title: z.string(), where: z.string(), lines: z.string() });

export const dnsCheckSchema = z.object({
  atMs: z.number(),
  names: z.array(
    z.object({
      host: z.string(),
      port: z.number(),
      verdict: z.enum(['here', 'elsewhere', 'none', 'error']),
      addresses: z.array(z.string()),
      text: z.string(),
    }),
  ),
  directory: z.object({ host: z.string(), blocked: z.boolean(), text: z.string() }),
  allHere: z.boolean(),
  summary: z.string(),
});

export const setupObeySchema = z.object({
  /** not-added: no limit is sent to it yet; waiting: it still reports another limit; obeys: the same. */
  state: z.enum(['not-added', 'unknown', 'waiting', 'obeys']),
  sentA: z.number().optional(),
  reportedA: z.number().optional(),
  text: z.string(),
});

export const setupBoxSchema = z.object({
  serial: z.string(),
  name: z.string().optional(),
  address: z.string().optional(),
  protocolVersion: z.string().optional(),
  firmware: z.string().optional(),
  /** The server's UDP port the box reports to (its stream's port). */
  udpPort: z.number().optional(),
  reportPeriodS: z.number().optional(),
  reports: z.number(),
  lastReportAgoS: z.number().optional(),
  online: z.boolean(),
  /** A valid status report arrived (the server knows it as a unit). */
  known: z.boolean(),
  /** On the account this assistant is connected to (a row in the Chargers view). */
  added: z.boolean(),
  /** On some account of the server, not necessarily this one. */
  owned: z.boolean(),
  problems: z.array(setupProblemSchema),
  obey: setupObeySchema,
  debugLines: z.array(z.string()),
});

export const setupStepSchema = z.object({
  id: z.enum(['server', 'report', 'added', 'obeys']),
  title: z.string(),
  done: z.boolean(),
});

export const setupModelSchema = z.object({
  /** Where the assistant stands: no server, waiting for a report, a box seen, a box added, a box obeys. */
  phase: z.enum(['no-server', 'waiting', 'seen', 'added', 'obeys']),
  steps: z.array(setupStepSchema),
  server: z.object({
    connected: z.boolean(),
    baseUrl: z.string().optional(),
    message: z.string().optional(),
    nextStep: z.string().optional(),
    /** The local server runs as a child of this editor (start/stop offered). */
    runHere: z.enum(['running', 'starting', 'stopped', 'failed', 'elsewhere']),
    udpPort: z.number().optional(),
    /** Every UDP port the server listens on. */
    udpPorts: z.array(z.number()).optional(),
    /** UDP ports the server was asked to listen on and could not, each with why and what to do. */
    portProblems: z.array(z.string()).optional(),
    /** Messages received from boxes (reports, debug lines, anything else). */
    messages: z.number().optional(),
  }),
  pointing: z.object({
    /** This machine's addresses on the network, best first. */
    addresses: z.array(z.string()),
    /** The address the lines are filled in with (the owner's pick, else the first private one). */
    address: z.string(),
    udpPort: z.number(),
    /** The names boxes report to, with their ports, and whether the server listens on that port. */
    names: z.array(z.object({ host: z.string(), port: z.number(), who: z.string(), listening: z.boolean() })),
    /** DNS entries to paste (dnsmasq / Pi-hole, OpenWrt, hosts-file style). */
    dns: z.array(pasteBlockSchema),
    /** Router rules to paste (nftables, iptables). */
    forwarding: z.array(pasteBlockSchema),
    /** What this machine's resolver answered for the names, when checked. */
    check: dnsCheckSchema.optional(),
    /** The console line to type on the box (`udpc <host> <port>`): the last resort. */
    udpcLine: z.string(),
    /** Why the console is the last resort, in words. */
    telnetRisks: z.array(z.string()),
  }),
  boxes: z.array(setupBoxSchema),
  unattributed: z.object({ count: z.number(), recent: z.array(z.string()) }),
  /** Epoch ms of the diagnostics read this model comes from. */
  readAt: z.number(),
  /** The optional Home Assistant (MQTT) step. */
  homeAssistant: setupHomeAssistantSchema.optional(),
});

export type SetupModel = z.infer<typeof setupModelSchema>;
export type SetupBox = z.infer<typeof setupBoxSchema>;
export type SetupProblem = z.infer<typeof setupProblemSchema>;
export type SetupDnsCheck = z.infer<typeof dnsCheckSchema>;

/** Host -> page. */
export const setupHostMessageSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('model'), model: setupModelSchema }),
  z.object({ kind: z.literal('result'), action: z.string(), ok: z.boolean(), message: z.string() }),
]);
export type SetupHostMessage = z.infer<typeof setupHostMessageSchema>;

/** Page -> host. */
export const setupPageMessageSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('ready') }),
  z.object({ kind: z.literal('refresh') }),
  z.object({ kind: z.literal('add'), serial: z.string().regex(/^\d{6,40}$/), name: z.string().trim().min(1).max(100).optional() }),
  z.object({ kind: z.literal('checkDns') }),
  z.object({ kind: z.literal('pickAddress'), address: z.string().regex(/^[0-9.]{7,15}$/) }),
  z.object({ kind: z.literal('copy'), text: z.string().max(2000) }),
  z.object({
    kind: z.literal('command'),
    command: z.enum(['connect', 'start', 'stop', 'telnet', 'setLimit', 'showLog']),
    serial: z
      .string()
      .regex(/^\d{6,40}$/)
      .optional(),
  }),
  setupMqttMessageSchema,
]);
export type SetupPageMessage = z.infer<typeof setupPageMessageSchema>;
