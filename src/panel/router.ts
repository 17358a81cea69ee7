// The unit panel's host-side message router: validates what the webview sends, calls the client
// through the backend (the token stays here), and replies. No `vscode` import, so the browser
// tests drive this very router over a real simulator.
import type { PanelBackend, Logger, UnitView } from '../state/contracts';
import type { NotificationSettings } from '../domain/model';
import { UncertainWriteError, UnverifiedWriteError } from '../api/errors';
import { writeInfo, writeNotifications, writeSchedule } from '../state/unit-writes';
import { toWindow } from '../domain/schedule';
import { maxAmpsOf } from '../domain/amps';
import { smartSummary } from '../domain/smart/reason';
import { reasonOf, unitFullAt, unitZone } from '../views/unit-format';
import { describeFailure, withoutWireNames } from '../domain/labels';
import {
  cancelOverrideControl,
  holdUntilControl,
  maxAmpsFor,
  setLimitControl,
  startChargingControl,
  stopChargingControl,
  type ControlDone,
} from './unit-controls';
import { localDayNumber, unitTimeZone } from '../domain/time-zone';
import { chargerFactsFromInfo } from '../domain/insights/sessions';
import { loadInsights, type InsightsHostDeps } from './insights-host';
import {
  parseParams,
  parseWebviewMessage,
  type HostMessage,
  type MethodName,
  type Params,
  type Result,
  type UnitSnapshot,
  type ErrorInfo,
  type PlotPoint,
  type ControlResult,
} from '../protocol/messages';

export interface PanelHostIo {
  /** Sends a message to the webview. */
  post(message: HostMessage): void | Thenable<boolean> | Promise<unknown>;
  /** Asks the user where to save the CSV and writes it; undefined when cancelled. */
  saveCsv?(csv: string, suggestedName: string): Promise<string | undefined>;
  /** The history cache and the insights settings (the Insights tab). */
  insights?: InsightsHostDeps;
  /** The unit's power readings of the last hour (src/panel/power-log.ts), oldest first. */
  recentPower?(): PlotPoint[];
}
interface Thenable<T> {
  then<R>(onfulfilled?: (value: T) => R): unknown;
}

/** UnitView -> what the webview may see (no token, no raw info). */
export function toSnapshot(v: UnitView | undefined): UnitSnapshot | null {
  if (!v) return null;
  const s = v.status;
  const zone = unitZone(v);
  return {
    zone: zone.zone,
    zoneNote: v.info ? zone.note : undefined,
    unitId: v.unitId,
    accountId: v.accountId,
    maxAmps: maxAmpsOf(v.info),
    reason: (({ kind, short, detail, todo, actions }) => ({ kind, short, detail, todo, actions }))(reasonOf(v)),
    holdUntilS: v.holdUntilS,
    name: v.name,
    accountLabel: v.accountLabel,
    demo: v.demo,
    stale: v.stale,
    lastGoodAt: v.lastGoodAt,
    error: v.error,
    fullAt: unitFullAt(v),
    smart: v.smart && smartSummary(v.smart, zone.zone, Date.now() / 1000),
    status: s && {
      unitId: s.unitId,
      state: s.state,
      rawState: s.rawState,
      infoTimestamp: s.infoTimestamp,
      showOverride: s.showOverride,
      charging: { ...s.charging },
      lifetime: { ...s.lifetime },
      chargingTimeLeftS: s.chargingTimeLeftS,
      overrideTime: s.overrideTime,
      targetTime: s.targetTime,
      temperatureC: s.temperatureC,
      frequencyHz: s.frequencyHz,
      updateIntervalS: s.updateIntervalS,
    },
  };
}

/**
 * An error as the user sees it: the client's userMessage/nextStep when it has them, and what the
 * unit reports when a write's reply was lost and its read-back did not show the change. `code`
 * tells the page a write that may have happened from one that did not (it words them differently).
 */
export function toErrorInfo(e: unknown): ErrorInfo {
  if (e && typeof e === 'object') {
    const o = e as { userMessage?: unknown; nextStep?: unknown; message?: unknown; cmd?: unknown; status?: unknown };
    // The page shows words, never the protocol's names (domain/labels); the log keeps the detail.
    let message: string;
    let nextStep = typeof o.nextStep === 'string' ? withoutWireNames(o.nextStep) : undefined;
    if (typeof o.cmd === 'string' || typeof o.status === 'number') {
      const f = describeFailure(e);
      message = f.short;
      nextStep = f.nextStep;
    } else message = withoutWireNames(typeof o.userMessage === 'string' ? o.userMessage : typeof o.message === 'string' ? o.message : 'Something went wrong.');
    const info: ErrorInfo = { message, nextStep };
    if (e instanceof UncertainWriteError) {
      message += ` The server did not confirm the change: ${withoutWireNames(e.readBackSummary)}.`;
      return { ...info, message, code: 'uncertainWrite' };
    }
    if (e instanceof UnverifiedWriteError) return { ...info, code: 'unverifiedWrite' };
    return info;
  }
  return { message: String(e) };
}

export class PanelRouter {
  private disposed = false;

  constructor(
    readonly unitKey: string,
    private readonly backend: PanelBackend,
    private readonly log: Logger,
    private readonly io: PanelHostIo,
  ) {}

  dispose(): void {
    this.disposed = true;
  }

  /** Pushes the unit's current view (called on onDidChangeUnits and on 'ready'). */
  pushUnit(): void {
    this.send({ kind: 'push', type: 'unit', unit: toSnapshot(this.backend.getUnit(this.unitKey)) });
  }

  /** Asks the page to show the Insights tab (juicenet.openInsights). */
  showInsights(scope: 'unit' | 'account'): void {
    this.send({ kind: 'push', type: 'showInsights', scope });
  }

  /** Entry point for every message from the webview. Never throws. */
  async handle(raw: unknown): Promise<void> {
    const parsed = parseWebviewMessage(raw);
    if (!parsed.ok) {
      this.log.warn(`Unit panel ${this.unitKey}: refused a message from the webview (${parsed.reason})`);
      // If it looked like a request, answer it so the page doesn't wait forever.
      // Only an id the webview's schema takes back (a safe integer) is echoed.
      const id = (raw as { id?: unknown } | null)?.id;
      if (typeof id === 'number' && Number.isSafeInteger(id)) {
        this.send({
          kind: 'reply',
          id,
          ok: false,
          error: { message: 'The panel sent a request the extension does not understand.', nextStep: 'Reload the panel.' },
        });
      }
      return;
    }
    const msg = parsed.value;
    if (msg.kind === 'ready') {
      this.pushUnit();
      return;
    }
    const params = parseParams(msg.method, msg.params);
    if (!params.ok) {
      this.log.warn(`Unit panel ${this.unitKey}: refused ${msg.method} (${params.reason})`);
      this.send({ kind: 'reply', id: msg.id, ok: false, error: { message: `Invalid ${msg.method} request: ${params.reason}` } });
      return;
    }
    try {
      const result = await this.call(msg.method, params.value);
      this.send({ kind: 'reply', id: msg.id, ok: true, result });
    } catch (e) {
      const info = toErrorInfo(e);
      this.log.warn(`Unit panel ${this.unitKey}: ${msg.method} failed: ${info.message}`);
      this.send({ kind: 'reply', id: msg.id, ok: false, error: info });
    }
  }

  private send(m: HostMessage): void {
    if (this.disposed) return;
    try {
      void Promise.resolve(this.io.post(m)).catch((e: unknown) => this.log.trace(`Unit panel: post failed: ${String(e)}`));
    } catch (e) {
      this.log.trace(`Unit panel: post failed: ${String(e)}`);
    }
  }

  private api() {
    const a = this.backend.api(this.unitKey);
    if (!a) {
      throw Object.assign(new Error('This charger is not available (signed out or removed).'), {
        userMessage: 'This charger is not available (signed out or removed).',
        nextStep: 'Sign in again, or close this panel.',
      });
    }
    return a;
  }

  private call<M extends MethodName>(method: M, params: Params<M>): Promise<Result<M>> {
    // The one cast: TypeScript does not relate handlers[M] to Params<M> for a generic M.
    return (this.handlers[method] as Handler<M>)(params);
  }

  /** One handler per method of the message contract (src/protocol/messages.ts), typed by it. */
  private readonly handlers: { [M in MethodName]: Handler<M> } = {
    getUnit: async () => toSnapshot(this.backend.getUnit(this.unitKey)),
    refresh: async () => {
      await this.backend.refresh(this.unitKey, 'manual');
      return {};
    },
    getHistoryPage: async ({ continuityToken }) => {
      const { client, auth } = this.api();
      return client.getHistoryPage(auth, continuityToken);
    },
    getPlot: async ({ sessionId, intervals }) => {
      const { client, auth } = this.api();
      return client.getPlot(auth, sessionId, intervals, 'power');
    },
    getInfo: async () => {
      const { client, auth } = this.api();
      const info = await client.getInfo(auth);
      return { raw: info.raw, infoTimestamp: info.infoTimestamp };
    },
    setInfo: async ({ raw, loadedInfoTimestamp, force }) => {
      const target = this.api();
      if (!force) {
        // Re-read before writing: someone else may have changed the info since the form was loaded.
        const fresh = await target.client.getInfo(target.auth);
        if (fresh.infoTimestamp !== undefined && loadedInfoTimestamp !== undefined && fresh.infoTimestamp !== loadedInfoTimestamp) {
          return { outcome: 'conflict', serverInfoTimestamp: fresh.infoTimestamp, loadedInfoTimestamp };
        }
      }
      // Read back (unit-writes), like every other write: a lost reply the read-back shows is saved.
      const { confirmed, replyLost, readBack } = await writeInfo(target, raw);
      this.log.info(`Unit panel ${this.unitKey}: set_info sent (${Object.keys(raw).length} fields)${writeNote(confirmed, replyLost)}`);
      // A new electricity price applies from today (in the charger's zone): the Insights keep the past sessions' price.
      const prices = this.io.insights?.prices;
      const unitId = this.backend.getUnit(this.unitKey)?.unitId ?? target.auth.unitId;
      if (prices && unitId) {
        const facts = chargerFactsFromInfo(unitId, '', unitTimeZone(readBack.timeZoneId), readBack.raw);
        await prices.seen(unitId, facts.ecostCents, localDayNumber(facts.zone, this.io.insights?.nowS?.() ?? Date.now() / 1000));
      }
      void this.backend.refresh(this.unitKey, 'write').catch(() => undefined);
      return { outcome: 'saved' };
    },
    getSchedule: async () => {
      const { client, auth } = this.api();
      const s = await client.getSchedule(auth);
      return { type: s.type, weekday: s.weekday, weekend: s.weekend, infoTimestamp: s.infoTimestamp };
    },
    setSchedule: async (s) => {
      // The Edit Schedule command's rule (an empty window, start == end, would never charge),
      // checked here too so that no page can save one.
      if (s.type === 'custom') for (const day of ['weekday', 'weekend'] as const) toWindow(s[day], day);
      // Read back (unit-writes): what the server kept is what the editor shows.
      const { readBack: back, confirmed, replyLost } = await writeSchedule(this.api(), { type: s.type, weekday: s.weekday, weekend: s.weekend });
      this.log.info(`Unit panel ${this.unitKey}: set_schedule sent (${s.type})${writeNote(confirmed, replyLost)}`);
      void this.backend.refresh(this.unitKey, 'write').catch(() => undefined);
      return { type: back.type, weekday: back.weekday, weekend: back.weekend, infoTimestamp: back.infoTimestamp };
    },
    getNotifications: async () => {
      const { client, auth } = this.api();
      return stripUndefined(await client.getNotifications(auth));
    },
    setNotifications: async ({ settings }) => {
      const { readBack, confirmed, replyLost } = await writeNotifications(this.api(), settings as NotificationSettings);
      // Never log the webhook's authorization header: only which events were sent.
      this.log.info(`Unit panel ${this.unitKey}: set_notifications sent (${Object.keys(settings).join(', ')})${writeNote(confirmed, replyLost)}`);
      return stripUndefined(readBack);
    },
    getRecentPower: async () => this.io.recentPower?.() ?? [],
    getInsights: async ({ scope }) => {
      if (!this.io.insights) throw new Error('Insights are not available here.');
      return loadInsights(this.backend, this.io.insights, this.log, this.unitKey, scope);
    },
    // The Overview's controls: the commands' rule and verified writes (src/panel/unit-controls.ts).
    setLimit: async ({ amps }) => {
      const target = this.api();
      return this.afterControl(
        'setLimit',
        await setLimitControl(target, this.unitKey, amps, await maxAmpsFor(target, this.backend.getUnit(this.unitKey)?.info)),
      );
    },
    stopCharging: async () => this.afterControl('stopCharging', await stopChargingControl(this.api(), this.unitKey)),
    startCharging: async ({ restoreAmps }) => {
      const target = this.api();
      const view = this.backend.getUnit(this.unitKey);
      return this.afterControl(
        'startCharging',
        await startChargingControl(target, {
          memoryKey: this.unitKey,
          schedule: view?.schedule,
          zone: view ? unitZone(view).zone : unitTimeZone(undefined),
          holdUntilS: view?.holdUntilS,
          chosenAmps: restoreAmps,
          maxAmps: await maxAmpsFor(target, view?.info),
        }),
      );
    },
    cancelOverride: async () => this.afterControl('cancelOverride', await cancelOverrideControl(this.api())),
    holdUntil: async ({ epochS }) => {
      const done = await holdUntilControl(this.api(), epochS);
      // The protocol cannot read the hold back: remembered (per account and unit), as the command does.
      await this.backend.rememberHold?.(this.unitKey, epochS);
      return this.afterControl('holdUntil', done);
    },
    saveCsv: async ({ csv, suggestedName }) => {
      if (!this.io.saveCsv) throw new Error('Saving files is not available here.');
      const path = await this.io.saveCsv(csv, suggestedName);
      return path ? { saved: true, path } : { saved: false };
    },
  };

  /**
   * After an Overview control's write: logged, the read-back shown at once (the row, the status bar
   * and this page), and a refresh so that info and schedule follow.
   */
  private afterControl(method: string, { result, after }: ControlDone): ControlResult {
    this.log.info(`Unit panel ${this.unitKey}: ${method} ${result.nothingToDo ? 'needed nothing' : 'sent'}${writeNote(result.confirmed, result.replyLost)}`);
    if (after) this.backend.applyReading?.(this.unitKey, after);
    void this.backend.refresh(this.unitKey, 'write').catch(() => undefined);
    return result;
  }
}

type Handler<M extends MethodName> = (params: Params<M>) => Promise<Result<M>>;

/** For the log: how a verified write ended, when not plainly. */
function writeNote(confirmed: boolean, replyLost: boolean): string {
  return replyLost ? '; the reply was lost, the read-back shows it' : confirmed ? '' : '; the read-back differs';
}

function stripUndefined(n: NotificationSettings): Record<string, NonNullable<NotificationSettings[string]>> {
  const out: Record<string, NonNullable<NotificationSettings[string]>> = {};
  for (const [k, v] of Object.entries(n)) if (v) out[k] = v;
  return out;
}
