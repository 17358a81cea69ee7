// Charging sessions cached per charger in the extension's storage (globalState), so that opening the
// insights reads only the pages newer than what is kept, plus the power samples of sessions a
// time-of-use tariff needs. What is stored: session fields and power samples, and the position of an
// unfinished first read. Never a token (the continuity token is the server's page cursor, not a
// credential). Plain TypeScript, no vscode import.
import type { HistorySession } from '../domain/model';
import type { JuiceNetApi, UnitAuth } from '../api/types';
import type { KeyValueStore } from './accounts';
import { samplesFromPlot, type CachedSession } from '../domain/insights';

const KEY_PREFIX = 'juicenet.historyCache.';
const VERSION = 1;

interface StoredHistory {
  v: number;
  /** Newest first (the server's order). */
  sessions: CachedSession[];
  /** Every page down to the oldest was read once. */
  complete: boolean;
  /** Where an interrupted first read stopped (a page cursor), to go on from there next time. */
  resumeToken?: string;
  savedAt: number;
}

export interface HistorySyncResult {
  sessions: CachedSession[];
  /** Sessions read from the server in this sync that were not cached before. */
  newSessions: number;
  pagesRead: number;
  /** Sessions that came from storage without a request. */
  fromCache: number;
  /** All history is in (false when the first read was cut short). */
  complete: boolean;
}

export interface SamplesResult {
  fetched: number;
  failed: number;
}

/** The unit's client and credentials, as the panel host gets them. */
export interface UnitApi {
  client: Pick<JuiceNetApi, 'getHistoryPage' | 'getPlot'>;
  auth: UnitAuth;
}

/** Largest number of pages one sync reads (a first read of a long history goes on next time). */
export const MAX_PAGES_PER_SYNC = 200;
/** Power samples per plot: one per 15 minutes of the session, 4 to 200. */
export function plotIntervalsFor(s: Pick<CachedSession, 'timeStart' | 'timeEnd'>): number {
  const span = (s.timeEnd ?? 0) - (s.timeStart ?? 0);
  return Math.min(200, Math.max(4, Math.ceil(span / 900)));
}

function sameSession(a: CachedSession, b: HistorySession): boolean {
  return a.id !== undefined && b.id !== undefined ? a.id === b.id : a.timeStart === b.timeStart && a.timeEnd === b.timeEnd;
}

function toCached(s: HistorySession, before?: CachedSession): CachedSession {
  const out: CachedSession = {
    id: s.id,
    timeStart: s.timeStart,
    timeEnd: s.timeEnd,
    durationS: s.durationS,
    energyWh: s.energyWh,
    savingsCents: s.savingsCents,
  };
  // Samples stay valid while the session is the same one (same end, same energy).
  if (before?.samples && before.timeEnd === s.timeEnd && before.energyWh === s.energyWh) out.samples = before.samples;
  for (const k of Object.keys(out) as (keyof CachedSession)[]) if (out[k] === undefined) delete out[k];
  return out;
}

export class HistoryCache {
  /** One sync per unit at a time: a second caller waits for the first. */
  private readonly running = new Map<string, Promise<HistorySyncResult>>();

  constructor(private readonly store: KeyValueStore) {}

  private key(unitId: string): string {
    return KEY_PREFIX + unitId;
  }

  private load(unitId: string): StoredHistory | undefined {
    const s = this.store.get<StoredHistory>(this.key(unitId));
    if (!s || s.v !== VERSION || !Array.isArray(s.sessions)) return undefined;
    return s;
  }

  private async save(unitId: string, s: Omit<StoredHistory, 'v' | 'savedAt'>): Promise<void> {
    await this.store.update(this.key(unitId), { v: VERSION, savedAt: Date.now(), ...s } satisfies StoredHistory);
  }

  /** The cached sessions, newest first, without any request. */
  cached(unitId: string): CachedSession[] {
    return this.load(unitId)?.sessions ?? [];
  }

  async clear(unitId: string): Promise<void> {
    await this.store.update(this.key(unitId), undefined);
  }

  /**
   * Reads the pages newer than the cache (stopping at the first page that reaches a cached
   * session), then, if the first read of the whole history was cut short, goes on from where it
   * stopped. Saves after the sync, and after a failure what was read so far.
   */
  sync(unitId: string, api: UnitApi): Promise<HistorySyncResult> {
    const running = this.running.get(unitId);
    if (running) return running;
    const p = this.doSync(unitId, api).finally(() => this.running.delete(unitId));
    this.running.set(unitId, p);
    return p;
  }

  private async doSync(unitId: string, api: UnitApi): Promise<HistorySyncResult> {
    const stored = this.load(unitId);
    const known = stored?.sessions ?? [];
    let complete = stored?.complete ?? false;
    let resumeToken = stored?.resumeToken;
    const fresh: CachedSession[] = [];
    let pagesRead = 0;
    let newSessions = 0;
    let older: CachedSession[] = known;
    const finish = async () => {
      const merged = [...fresh, ...older];
      await this.save(unitId, { sessions: merged, complete, resumeToken });
      return merged;
    };
    try {
      // 1. Newer pages, until one reaches a session already kept.
      let token: string | undefined;
      let reached = false;
      const seen = new Set<string>();
      while (pagesRead < MAX_PAGES_PER_SYNC) {
        const page = await api.client.getHistoryPage(api.auth, token);
        pagesRead++;
        for (const s of page.sessions) {
          const i = older.findIndex((k) => sameSession(k, s));
          if (i >= 0) {
            // A kept session: refresh it (a running one may have grown), keep everything older.
            reached = true;
            older = [toCached(s, older[i]), ...older.slice(i + 1)];
            break;
          }
          fresh.push(toCached(s));
          newSessions++;
        }
        if (reached || !page.continuityToken || page.sessions.length === 0 || seen.has(page.continuityToken)) {
          if (!reached && !page.continuityToken) {
            // Read down to the oldest: everything kept before is superseded.
            older = [];
            complete = true;
            resumeToken = undefined;
          }
          break;
        }
        seen.add(page.continuityToken);
        token = page.continuityToken;
        if (!stored) resumeToken = token;
      }
      if (!reached && stored && older.length > 0 && !complete) {
        // Nothing overlapped: the kept sessions are not known to follow on; start over cleanly.
        older = [];
      }
      // 2. An interrupted first read goes on from its cursor.
      if (!complete && resumeToken && (reached || !stored)) {
        let t: string | undefined = resumeToken;
        const seen2 = new Set<string>();
        while (t && pagesRead < MAX_PAGES_PER_SYNC) {
          const page = await api.client.getHistoryPage(api.auth, t);
          pagesRead++;
          const have = new Set([...fresh, ...older].map((k) => k.id ?? `t${k.timeStart}`));
          for (const s of page.sessions) if (!have.has(s.id ?? `t${s.timeStart}`)) older.push(toCached(s));
          seen2.add(t);
          t = page.continuityToken && !seen2.has(page.continuityToken) && page.sessions.length > 0 ? page.continuityToken : undefined;
          resumeToken = t;
        }
        if (!t) {
          complete = true;
          resumeToken = undefined;
        }
      }
    } catch (e) {
      if (fresh.length > 0 || pagesRead > 0) await finish().catch(() => undefined);
      throw e;
    }
    const sessions = await finish();
    return { sessions, newSessions, pagesRead, fromCache: sessions.length - newSessions, complete };
  }

  /**
   * Reads the power samples of finished sessions that have none yet (for a time-of-use tariff),
   * a few at a time, and keeps them. A plot that fails is skipped (the session is then costed
   * without samples, and the page says so).
   */
  async ensureSamples(unitId: string, api: UnitApi, opts: { concurrency?: number; max?: number } = {}): Promise<SamplesResult> {
    const stored = this.load(unitId);
    if (!stored) return { fetched: 0, failed: 0 };
    const todo = stored.sessions
      .filter((s) => !s.samples && s.id !== undefined && s.timeStart !== undefined && s.timeEnd !== undefined && s.timeEnd > s.timeStart)
      .slice(0, opts.max ?? 2000);
    let fetched = 0;
    let failed = 0;
    let next = 0;
    const worker = async () => {
      while (next < todo.length) {
        const s = todo[next++];
        try {
          const points = await api.client.getPlot(api.auth, s.id!, plotIntervalsFor(s), 'power');
          const samples = samplesFromPlot(points, s.timeEnd);
          if (samples) {
            s.samples = samples;
            fetched++;
          } else failed++;
        } catch {
          failed++;
        }
      }
    };
    await Promise.all(Array.from({ length: Math.max(1, opts.concurrency ?? 4) }, worker));
    if (fetched > 0) await this.save(unitId, { sessions: stored.sessions, complete: stored.complete, resumeToken: stored.resumeToken });
    return { fetched, failed };
  }
}
