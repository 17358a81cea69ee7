// The 16 JuiceNet commands over a source of units: request checks, accounts and tokens, and the
// meaning of every command in the protocol document's wire format. No HTTP here (see http.ts) and
// no charger facts: those come from the UnitSource (simulated physics or real boxes over UDP).
import { MAX_PLOT_INTERVALS, MIN_PLOT_INTERVALS, NOTIFICATION_EVENTS } from '../domain/model';
import { BOX_API_COMMANDS, BOX_PIN_COMMANDS, type BoxApiCommand, type Command } from '../api/types';
import { NOTIFICATION_WIRE_KEYS, normaliseKeys, type WireReplyBody } from '../api/wire';
import { Accounts } from './accounts';
import { SimCommand, SimRequest, validateRequest } from './requests';
import { MIN_AMPS } from '../domain/amps';
import { MINUTES_PER_DAY } from '../domain/schedule';
import { INFO_TYPES, ProtocolError, checkInfoTypes, checkWindow, defineData, plotPoints, ratingAmps } from './rules';
import type { AccountUnitEntry, UnitSource, WireNotification } from './types';

/** A command's reply body, as the client's schema reads it (src/api/wire). */
type Reply<C extends Command> = WireReplyBody<C>;
/** Any command's reply body, or the failure every command may answer. */
type AnyReply = Reply<Command>;
/** The reply of every command that only changes something. */
const ACK = { success: true } as const;
type ApiHandlers = { [C in BoxApiCommand]: (unitId: string, req: SimRequest<C>, now: number) => Reply<C> };

/** A reply: HTTP status and JSON body. */
export interface ProtocolReply {
  status: number;
  body: AnyReply;
}

export type Endpoint = '/box_pin' | '/box_api_secure';

export interface ProtocolOptions {
  accounts: Accounts;
  source: UnitSource;
  now: () => number;
  /** Sessions per get_history page. */
  historyPageSize: number;
  /** How long a share PIN stays valid, in the source's seconds. */
  pinTtlS: number;
  /** Unit IDs add_unit and share_device accept, and the message for others. */
  unitIdPattern: RegExp;
  unitIdMessage: string;
}

/**
 * Notification events by lower-cased name: the protocol's tables write "start_Charging" and
 * "charging_delayed_due_to_toU" where its examples have "start_charging" and "..._ToU".
 */
const NOTIFICATION_EVENT_BY_LOWER = new Map<string, string>(NOTIFICATION_EVENTS.map((e) => [e.toLowerCase(), e]));

function malformed(message: string): ProtocolReply {
  return { status: 400, body: { success: false, error_code: 400, error_message: message } };
}

/**
 * A history session with its energy under " wh_energy" (a leading space), as the protocol's own
 * example spells it on one session: the simulator sends it so that clients meet the quirk (they
 * trim keys before reading, so the session still reads as its type says).
 */
function withPaddedEnergyKey<T extends { wh_energy?: number }>(session: T): T {
  const { wh_energy, ...rest } = session;
  return { ...rest, ' wh_energy': wh_energy } as unknown as T;
}

export class JuiceNetProtocol {
  constructor(private readonly opts: ProtocolOptions) {}

  get accounts(): Accounts {
    return this.opts.accounts;
  }

  private get source(): UnitSource {
    return this.opts.source;
  }

  /** An account's units with its tokens for them. */
  accountUnits(accountToken: string): AccountUnitEntry[] {
    return this.accounts.unitsOf(accountToken).map(([unitId, token]) => ({ unitId, name: this.unitName(unitId), token }));
  }

  /** Adds a unit to an account directly (no PIN). */
  attach(accountToken: string, unitId: string): AccountUnitEntry {
    if (!this.source.hasUnit(unitId)) throw new ProtocolError(404, `Unknown unit ${unitId}`);
    const token = this.accounts.attach(accountToken, unitId);
    return { unitId, name: this.unitName(unitId), token };
  }

  private unitName(unitId: string): string {
    const name = this.source.settings(unitId).info.name;
    return typeof name === 'string' ? name : '';
  }

  /** Runs one protocol command, replying success:false (HTTP 200) for a ProtocolError. */
  execute(endpoint: Endpoint, rawBody: Record<string, unknown>): ProtocolReply {
    try {
      return this.run(endpoint, rawBody);
    } catch (e) {
      if (!(e instanceof ProtocolError)) throw e;
      return { status: 200, body: { success: false, error_code: e.code, error_message: e.message } };
    }
  }

  /** Runs one protocol command. Throws ProtocolError for success:false replies. */
  run(endpoint: Endpoint, rawBody: Record<string, unknown>): ProtocolReply {
    // Keys are trimmed before anything is read ("cmd " like " wh_energy"): the protocol is sloppy.
    let body: Record<string, unknown>;
    try {
      body = normaliseKeys(rawBody) as Record<string, unknown>;
    } catch (e) {
      return malformed((e as Error).message);
    }
    const cmd = body.cmd;
    if (typeof cmd !== 'string' || cmd === '') return malformed('Missing field "cmd"');
    const pinCmd = (BOX_PIN_COMMANDS as readonly string[]).includes(cmd);
    const apiCmd = (BOX_API_COMMANDS as readonly string[]).includes(cmd);
    if (!pinCmd && !apiCmd) throw new ProtocolError(400, `Unknown command "${cmd}"`);
    if (pinCmd && endpoint !== '/box_pin') throw new ProtocolError(400, `Command "${cmd}" is served by /box_pin`);
    if (apiCmd && endpoint !== '/box_api_secure') throw new ProtocolError(400, `Command "${cmd}" is served by /box_api_secure`);
    const v = validateRequest(cmd as SimCommand, body);
    if (!v.ok) return malformed(v.message);
    const req = v.value as Record<string, unknown>;
    if (pinCmd) return { status: 200, body: this.boxPin(cmd, req) };
    // box_api_secure: the unit token decides the unit; an account token, when sent, must match it.
    const unitId = this.accounts.resolve(req.token as string, req.account_token as string | undefined);
    if (!this.source.hasUnit(unitId)) throw new ProtocolError(404, 'Unknown unit');
    this.source.prepare(unitId, this.opts.now());
    return { status: 200, body: this.boxApi(cmd as BoxApiCommand, unitId, req as SimRequest<BoxApiCommand>) };
  }

  private boxPin(cmd: string, req: Record<string, unknown>): AnyReply {
    const accountToken = req.account_token as string;
    if (!this.accounts.has(accountToken)) throw new ProtocolError(401, 'Invalid token');
    if (cmd === 'get_account_units') {
      return {
        success: true,
        units: this.accountUnits(accountToken).map((e) => ({ name: e.name, token: e.token, unit_id: e.unitId })),
      } satisfies Reply<'get_account_units'>;
    }
    const r = req as SimRequest<'add_unit'>;
    const unitId = r.ID.trim();
    if (!this.opts.unitIdPattern.test(unitId)) throw new ProtocolError(422, this.opts.unitIdMessage);
    if (!this.source.hasUnit(unitId)) throw new ProtocolError(404, `Unknown unit ${unitId}`);
    const has = this.accounts.hasUnit(accountToken, unitId);
    if (cmd === 'add_unit') {
      if (!has && this.accounts.ownerCount(unitId) > 0) {
        throw new ProtocolError(403, 'This unit belongs to another account: ask its owner for a share PIN');
      }
    } else if (!has) {
      // share_device
      this.accounts.redeemPin(unitId, (req as SimRequest<'share_device'>).pin, this.opts.now());
    }
    const e = this.attach(accountToken, unitId);
    return { success: true, unit_id: e.unitId, name: e.name, token: e.token } satisfies Reply<'add_unit' | 'share_device'>;
  }

  /** infoTimestamp grows on every change, and is never behind the clock. */
  private bumped(unitId: string): number {
    return Math.max(Math.floor(this.opts.now()), this.source.settings(unitId).infoTimestamp + 1);
  }

  /** One handler per box_api_secure command: the unit (brought up to now), its checked request, now. */
  private readonly api: ApiHandlers = {
    get_state: (unitId, _req, now) => this.source.state(unitId, now),
    set_limit: (unitId, req) => this.setLimit(unitId, req.amperage),
    get_schedule: (unitId) => {
      const s = this.source.settings(unitId);
      return { ...structuredClone(s.schedule), info_timestamp: s.infoTimestamp, success: true, ID: unitId };
    },
    set_schedule: (unitId, req) => this.setSchedule(unitId, req),
    get_history: (unitId, req) => this.history(unitId, req.continuity_token),
    get_plot: (unitId, req, now) => ({ success: true, points: this.plot(unitId, req.session_id, req.intervals, req.attribute ?? 'power', now) }),
    get_share_pin: (unitId, _req, now) => ({ success: true, pin: this.accounts.issuePin(unitId, now + this.opts.pinTtlS) }),
    get_info: (unitId) => {
      const s = this.source.settings(unitId);
      // The stored info was checked field by field against the protocol's types (set_info,
      // checkInfoTypes); the fields the server does not know go back as they came.
      return { ...(structuredClone(s.info) as Reply<'get_info'>), info_timestamp: s.infoTimestamp, success: true };
    },
    set_info: (unitId, req) => {
      this.setInfo(unitId, req);
      return ACK;
    },
    set_override: (unitId, req, now) => this.setOverride(unitId, req, now),
    set_charging_time: (unitId, req) => {
      const t = req.charging_time;
      if (!Number.isInteger(t) || t < 0) throw new ProtocolError(422, 'charging_time must be 0 (no hold) or epoch seconds');
      this.source.update(unitId, { chargingTime: t, infoTimestamp: this.bumped(unitId) });
      return ACK;
    },
    get_notifications: (unitId) => {
      const out: Reply<'get_notifications'>['notifications'] = {};
      const wireKeys: Readonly<Record<string, string>> = NOTIFICATION_WIRE_KEYS;
      for (const [k, v] of Object.entries(this.source.settings(unitId).notifications)) out[Object.hasOwn(wireKeys, k) ? wireKeys[k] : k] = structuredClone(v);
      return { success: true, notifications: out };
    },
    set_notifications: (unitId, req) => this.setNotifications(unitId, req.notifications),
  };

  private boxApi<C extends BoxApiCommand>(cmd: C, unitId: string, req: SimRequest<C>): Reply<C> {
    const handler: ApiHandlers[C] = this.api[cmd];
    return handler(unitId, req, this.opts.now());
  }

  private setLimit(unitId: string, amps: number): Reply<'set_limit'> {
    const max = ratingAmps(this.source.settings(unitId).info);
    if (!Number.isInteger(amps) || (amps !== 0 && (amps < MIN_AMPS || amps > max))) {
      throw new ProtocolError(422, `Invalid amperage ${amps}: use 0 (off) or a whole number from ${MIN_AMPS} to ${max} A`);
    }
    this.source.update(unitId, { ampsLimit: amps, infoTimestamp: this.bumped(unitId) });
    return ACK;
  }

  private setSchedule(unitId: string, r: SimRequest<'set_schedule'>): Reply<'set_schedule'> {
    // The protocol marks no field required: {type:"disabled"} alone keeps the stored windows
    // (they apply again when the schedule is turned back on); "custom" needs both.
    const s = this.source.settings(unitId);
    if (r.type !== 'disabled' && r.type !== 'custom') throw new ProtocolError(422, `Unknown schedule type "${r.type}": use "disabled" or "custom"`);
    if (r.type === 'custom' && (!r.weekday || !r.weekend)) {
      throw new ProtocolError(422, `A custom schedule needs both windows: "${r.weekday ? 'weekend' : 'weekday'}" is missing`);
    }
    const weekday = r.weekday ? checkWindow('weekday', r.weekday) : s.schedule.weekday;
    const weekend = r.weekend ? checkWindow('weekend', r.weekend) : s.schedule.weekend;
    this.source.update(unitId, { schedule: { type: r.type, weekday, weekend }, infoTimestamp: this.bumped(unitId) });
    return ACK;
  }

  private setOverride(unitId: string, r: SimRequest<'set_override'>, now: number): Reply<'set_override'> {
    if (!Number.isInteger(r.override_time) || r.override_time < 0) throw new ProtocolError(422, 'override_time must be 0 (cancel) or epoch seconds');
    for (const [k, v] of [
      ['energy_to_add', r.energy_to_add],
      ['energy_at_plugin', r.energy_at_plugin],
    ] as const) {
      if (v !== undefined && (!Number.isInteger(v) || v < 0 || v > 1_000_000))
        throw new ProtocolError(422, `${k} must be a whole number of Wh from 0 to 1000000`);
    }
    this.source.setOverride(unitId, { overrideTime: r.override_time, energyToAddWh: r.energy_to_add, energyAtPluginWh: r.energy_at_plugin }, now);
    this.source.update(unitId, { infoTimestamp: this.bumped(unitId) });
    return ACK;
  }

  private setNotifications(unitId: string, incoming: SimRequest<'set_notifications'>['notifications']): Reply<'set_notifications'> {
    const next = structuredClone(this.source.settings(unitId).notifications);
    for (const [rawKey, val] of Object.entries(incoming)) {
      // Keys arrive trimmed ("start_charging " and "start_charging" are the same event).
      const key = NOTIFICATION_EVENT_BY_LOWER.get(rawKey.trim().toLowerCase());
      if (!key) {
        const shown = rawKey.length > 60 ? `${rawKey.slice(0, 59)}…` : rawKey;
        throw new ProtocolError(422, `Unknown notification event ${JSON.stringify(shown)}: use one of ${NOTIFICATION_EVENTS.join(', ')}`);
      }
      if (val.time !== undefined && (!Number.isInteger(val.time) || val.time < 0 || val.time > MINUTES_PER_DAY)) {
        throw new ProtocolError(422, `notifications.${key}.time must be minutes of the day (0..1440)`);
      }
      if (val.webhook) {
        const w = val.webhook;
        if (w.method !== undefined && w.method !== 'PUT' && w.method !== 'POST')
          throw new ProtocolError(422, `notifications.${key}.webhook.method must be PUT or POST`);
        if (w.url !== undefined && w.url !== '' && !/^https?:\/\/\S+$/i.test(w.url))
          throw new ProtocolError(422, `notifications.${key}.webhook.url must be an http(s) URL`);
      }
      next[key] = structuredClone(val) as WireNotification;
    }
    this.source.update(unitId, { notifications: next, infoTimestamp: this.bumped(unitId) });
    return ACK;
  }

  private setInfo(unitId: string, req: Record<string, unknown>): void {
    const s = this.source.settings(unitId);
    const fields: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(req)) {
      // Envelope keys, and info_timestamp: the server's own clock of changes, not the client's to set.
      if (['cmd', 'token', 'account_token', 'device_id', 'success', 'info_timestamp'].includes(k)) continue;
      defineData(fields, k, v);
    }
    // Known fields must have the protocol's types (a stored "pro" unit_type_id would break every
    // client's get_info); numbers may come as numeric strings, as this wire sends them.
    const incoming = checkInfoTypes(INFO_TYPES, fields, '');
    for (const k of ['amps_wire_rating', 'amps_unit_rating']) {
      if (k in incoming) {
        const v = incoming[k] as number;
        if (v <= 0 || v > 200) throw new ProtocolError(422, `${k} must be a whole number of amps from 1 to 200`);
      }
    }
    for (const k of ['gascost', 'mpg', 'ecost', 'whpermile']) {
      if (k in incoming && (incoming[k] as number) < 0) throw new ProtocolError(422, `${k} must be a whole number, 0 or more`);
    }
    if ('name' in incoming && ((incoming.name as string).trim() === '' || (incoming.name as string).length > 100)) {
      throw new ProtocolError(422, 'name must be 1 to 100 characters');
    }
    // The whole object is stored: fields the server does not know are kept for get_info.
    const info = { ...s.info, ...structuredClone(incoming) };
    this.source.update(unitId, { info, ampsLimit: Math.min(s.ampsLimit, ratingAmps(info)), infoTimestamp: this.bumped(unitId) });
  }

  private history(unitId: string, token: string | undefined): Reply<'get_history'> {
    const key = this.source.historyKey(unitId);
    let before = Infinity;
    if (token !== undefined && token !== '') {
      const m = /^h1\.([0-9a-z]+)\.(\d+)$/.exec(token);
      if (!m || m[1] !== key) throw new ProtocolError(400, 'Invalid continuity_token: start again without it');
      before = Number(m[2]);
    }
    // Newest first; the token is "sessions older than id N", stable while new sessions arrive.
    const { sessions: page, more } = this.source.history(unitId, before, this.opts.historyPageSize);
    const quirk = this.source.historyQuirk;
    const reply: Reply<'get_history'> = {
      success: true,
      sessions: page.map((s) => {
        const session: Reply<'get_history'>['sessions'][number] = {
          id: s.id,
          time_start: s.timeStart,
          time_end: s.timeEnd,
          duration: s.durationS,
          wh_energy: s.energyWh,
          savings: s.savingsCents,
        };
        return quirk && s.id % 2 === 1 ? withPaddedEnergyKey(session) : session;
      }),
    };
    if (more && page.length > 0) reply.continuity_token = `h1.${key}.${page[page.length - 1].id}`;
    return reply;
  }

  private plot(unitId: string, sessionId: number, intervals: number, attribute: string, now: number): Reply<'get_plot'>['points'] {
    if (attribute !== 'power') throw new ProtocolError(422, `Unknown attribute "${attribute}": the server plots "power"`);
    if (!Number.isInteger(intervals) || intervals < MIN_PLOT_INTERVALS || intervals > MAX_PLOT_INTERVALS) {
      throw new ProtocolError(422, `intervals must be a whole number from ${MIN_PLOT_INTERVALS} to ${MAX_PLOT_INTERVALS}`);
    }
    const s = this.source.sessionIntervals(unitId, sessionId, now);
    if (!s) throw new ProtocolError(404, `Unknown session ${sessionId}`);
    return plotPoints(s.start, s.end, s.parts, intervals);
  }
}
