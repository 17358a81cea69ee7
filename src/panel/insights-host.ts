// The host side of the panel's Insights tab: for this charger (or every charger of its account) the
// cached sessions brought up to date (src/state/history-cache.ts), the power samples a time-of-use
// tariff needs, and the get_info facts the figures use. Settings come in raw: the page validates them
// with the same domain function and shows the problems. No vscode import; nothing secret is returned.
import type { PanelBackend, Logger, UnitView } from '../state/contracts';
import type { HistoryCache } from '../state/history-cache';
import { chargerFactsFromInfo, parseTariffSetting, type TariffSetting } from '../domain/insights';
import { chargerZone, localDayNumber } from '../domain/time-zone';
import type { PriceHistory } from '../state/price-history';
import type { Result } from '../protocol/messages';

/** The insights settings as read (juicenet.tariff.*, juicenet.insights.*). */
export interface InsightsSettings {
  tariff: TariffSetting;
  co2GramsPerKwh?: unknown;
}

/** Power plots read per charger and load; the rest on the next load (the page says so). */
export const SAMPLES_PER_LOAD = 400;

export interface InsightsHostDeps {
  cache: HistoryCache;
  /** Each charger's prices over time (kept in the extension's storage); without it, the current price costs every session. */
  prices?: PriceHistory;
  settings(): InsightsSettings;
  /** For tests: the clock (epoch seconds). */
  nowS?(): number;
}

/** Chargers shown in the account-wide view: every unit of this unit's account. `unitKey`: account and unit (or a bare unit ID). */
function unitsInScope(backend: PanelBackend, unitKey: string, scope: 'unit' | 'account'): UnitView[] {
  const self = backend.getUnit(unitKey);
  if (!self) return [];
  if (scope === 'unit') return [self];
  const same = backend.units().filter((u) => u.accountId === self.accountId);
  return same.some((u) => u.key === self.key) ? same : [self, ...same];
}

/**
 * The session running now (charging, or plugged in after charging), which the history lists only
 * once it ends: "today" includes it. Its start is when charging began by the charger's count.
 */
export function runningSession(
  view: UnitView,
  cached: readonly { timeStart?: number; timeEnd?: number }[],
  nowS: number,
): { timeStart: number; energyWh: number } | undefined {
  const s = view.status;
  if (!s || view.error || (s.state !== 'charging' && s.state !== 'plugged')) return undefined;
  const energyWh = s.charging.energyWh;
  if (energyWh === undefined || !(energyWh > 0)) return undefined;
  const readAtS = view.lastGoodAt !== undefined ? view.lastGoodAt / 1000 : nowS;
  const timeStart = Math.floor(readAtS - (s.charging.secondsCharging ?? 0));
  // Already in the history (a server that lists the session before it ends, or one that ended as the
  // reading moved on): a listed session reaching well into this one's charging is this one, not counted
  // twice; one that ended as this one began (unplugged and plugged in again) is the one before.
  if (cached.some((c) => c.timeStart !== undefined && c.timeStart <= readAtS && (c.timeEnd === undefined || c.timeEnd > timeStart + 60))) return undefined;
  return { timeStart, energyWh };
}

function errorText(e: unknown): string {
  const o = e as { userMessage?: unknown; message?: unknown } | undefined;
  return typeof o?.userMessage === 'string' ? o.userMessage : typeof o?.message === 'string' ? o.message : String(e);
}

/**
 * The Insights of the panel's unit (`unitKey`: its account and unit) or of every charger of its
 * account. Sessions are cached per charger (unit ID): a charger seen by two accounts has one history.
 */
export async function loadInsights(
  backend: PanelBackend,
  deps: InsightsHostDeps,
  log: Logger,
  unitKey: string,
  scope: 'unit' | 'account',
): Promise<Result<'getInsights'>> {
  const settings = deps.settings();
  const nowS = deps.nowS?.() ?? Date.now() / 1000;
  const tariff = parseTariffSetting(settings.tariff);
  const needSamples = tariff.ok && tariff.mode === 'timeOfUse';
  const chargers: Result<'getInsights'>['chargers'] = [];
  // One charger after the other: a year of pages (and plots) per charger is plenty of traffic.
  for (const view of unitsInScope(backend, unitKey, scope)) {
    // The view's own account reads it.
    const api = backend.api(view.key);
    const base = { unitId: view.unitId, name: view.name };
    if (!api) {
      chargers.push({
        ...base,
        zone: chargerZone(view.info?.timeZoneId).zone,
        sessions: deps.cache.cached(view.unitId),
        complete: false,
        newSessions: 0,
        samplesMissing: 0,
        error: 'This charger is not available (signed out or removed): showing what was kept.',
      });
      continue;
    }
    let info = view.info;
    let error: string | undefined;
    try {
      if (!info) info = await api.client.getInfo(api.auth);
    } catch (e) {
      error = `Could not read the charger’s info (prices, car, time zone): ${errorText(e)}`;
    }
    const zone = chargerZone(info?.timeZoneId).zone;
    const facts = chargerFactsFromInfo(view.unitId, view.name, zone, info?.raw ?? {});
    // The price seen today takes effect today: the sessions before keep theirs.
    const priceHistory = deps.prices ? await deps.prices.seen(view.unitId, facts.ecostCents, localDayNumber(zone, nowS)) : undefined;
    let complete = false;
    let newSessions = 0;
    try {
      const r = await deps.cache.sync(view.unitId, api);
      complete = r.complete;
      newSessions = r.newSessions;
      if (needSamples) {
        // At most a few hundred plots per load, so the page's request stays well inside its time limit.
        const s = await deps.cache.ensureSamples(view.unitId, api, { max: SAMPLES_PER_LOAD });
        if (s.failed > 0) log.warn(`Insights ${view.unitId}: ${s.failed} power plots could not be read; those sessions are costed without samples`);
      }
    } catch (e) {
      error = `${error ? `${error} ` : ''}Could not read the newest history: ${errorText(e)} Showing what was kept.`;
      log.warn(`Insights ${view.unitId}: ${error}`);
    }
    const sessions = deps.cache.cached(view.unitId);
    const samplesMissing = needSamples ? sessions.filter((s) => !s.samples).length : 0;
    chargers.push({ ...facts, priceHistory, sessions, running: runningSession(view, sessions, nowS), complete, newSessions, samplesMissing, error });
  }
  return {
    chargers,
    tariff: { mode: settings.tariff.mode, weekday: settings.tariff.weekday, weekend: settings.tariff.weekend },
    co2GramsPerKwh: settings.co2GramsPerKwh,
    nowS,
    scope,
  };
}
