// Unsaved edits of the Info, Schedule and Notifications forms. The panel is not retained while
// hidden (retainContextWhenHidden is false): VS Code discards the page and rebuilds it, and only
// what went through vscode.setState survives. Each form keeps its draft there while it differs from
// what was loaded, and restores it when the page comes back.
//
// Nothing secret goes in: the state is written to VS Code's storage. The webhook authorization
// header is typed by the user into a password field; it is left out on purpose (only "it was
// edited" is kept, so the page can ask for it again).
// A namespace import: esbuild can then drop zod's locales.
import * as z from 'zod';
import { clear, showRestored } from './dom';

const hhmmText = z.string().max(40);

export const infoDraftSchema = z.object({
  /** The JSON editor's text (it holds the fields' edits too), as typed: it may not parse. */
  json: z.string().max(1_000_000),
  /** info_timestamp of the info the draft was made from: the conflict check still compares with it. */
  loadedInfoTimestamp: z.number().finite().optional(),
});

export const scheduleDraftSchema = z.object({
  type: z.enum(['disabled', 'custom']),
  /** "weekday.start" -> the text typed (HH:MM, maybe invalid). */
  fields: z.record(z.string().max(40), hhmmText),
});

export const notificationEventDraftSchema = z.object({
  email: z.boolean(),
  push: z.boolean(),
  time: hhmmText.optional(),
  url: z.string().max(2000),
  method: z.enum(['PUT', 'POST']),
  /** The authorization header was edited. Its value is never stored (see the top of this file). */
  authEdited: z.boolean().optional(),
});
export const notificationsDraftSchema = z.object({
  /** Only the events whose row differs from what was loaded. */
  events: z.record(z.string().max(200), notificationEventDraftSchema),
});

export const draftsSchema = z.object({
  info: infoDraftSchema.optional(),
  schedule: scheduleDraftSchema.optional(),
  notifications: notificationsDraftSchema.optional(),
});

export type InfoDraft = z.infer<typeof infoDraftSchema>;
export type ScheduleDraft = z.infer<typeof scheduleDraftSchema>;
export type NotificationEventDraft = z.infer<typeof notificationEventDraftSchema>;
export type NotificationsDraft = z.infer<typeof notificationsDraftSchema>;
export type Drafts = z.infer<typeof draftsSchema>;

/** Drafts from a saved state (anything: an older page may have written it); what does not parse is dropped. */
export function parseDrafts(raw: unknown): Drafts {
  if (!raw || typeof raw !== 'object') return {};
  const out: Drafts = {};
  for (const key of ['info', 'schedule', 'notifications'] as const) {
    const r = draftsSchema.shape[key].safeParse((raw as Record<string, unknown>)[key]);
    if (r.success && r.data !== undefined) (out as Record<string, unknown>)[key] = r.data;
  }
  return out;
}

/** Where a form keeps its draft: get on restore, set on every edit (undefined = no unsaved edits). */
export interface DraftStore {
  get<K extends keyof Drafts>(key: K): Drafts[K] | undefined;
  set<K extends keyof Drafts>(key: K, value: Drafts[K] | undefined): void;
}

/** A store over a drafts object; `save` persists the whole UI state (vscode.setState). */
export function draftStore(drafts: Drafts, save: () => void): DraftStore {
  return {
    get: (key) => drafts[key],
    set: (key, value) => {
      if (value === undefined) {
        if (!(key in drafts)) return;
        delete drafts[key];
      } else drafts[key] = value;
      save();
    },
  };
}

/** What a form tells the draft lifecycle. */
export interface DraftForm<K extends keyof Drafts> {
  /** The form's unsaved edits as a draft; undefined while it shows what was loaded. */
  capture(): Drafts[K] | undefined;
  /** Puts a saved draft back over the values just loaded. */
  apply(draft: NonNullable<Drafts[K]>): void;
  /** Reads the charger again, dropping the edits ("Discard them"). */
  reload(): void;
  /** A note for "Restored your unsaved edits" (what must be typed again). */
  restoredNote?(draft: NonNullable<Drafts[K]>): string | undefined;
}

/**
 * The one lifecycle of an editor tab's unsaved edits (Info, Schedule, Notifications): the tab's
 * first activation restores the edits a discarded page had not saved, over a fresh load, and says
 * so with a way to discard them; every edit and save keeps the draft while the form differs from
 * what was loaded, and drops it (and the "Restored" note) once it does not.
 */
export class DraftLifecycle<K extends keyof Drafts> {
  private activated = false;

  constructor(
    private readonly store: DraftStore,
    private readonly key: K,
    /** Where "Restored your unsaved edits" shows. */
    private readonly restoreBox: HTMLElement,
    private readonly testId: string,
    private readonly form: DraftForm<K>,
  ) {}

  /** True on the tab's first activation (that load restores); false after. */
  firstActivation(): boolean {
    if (this.activated) return false;
    this.activated = true;
    return true;
  }

  /** A load failed: with nothing loaded yet, the next activation tries (and restores) again. */
  loadFailed(anythingLoaded: boolean): void {
    this.activated = anythingLoaded;
  }

  /** After a load: the saved draft put back when restoring, then kept or dropped; returns the draft restored. */
  afterLoad(restore: boolean): NonNullable<Drafts[K]> | undefined {
    const saved = restore ? this.store.get(this.key) : undefined;
    if (saved) this.form.apply(saved as NonNullable<Drafts[K]>);
    this.changed();
    clear(this.restoreBox);
    if (saved && this.form.capture() !== undefined) {
      const note = this.form.restoredNote?.(saved as NonNullable<Drafts[K]>);
      showRestored(this.restoreBox, () => this.form.reload(), note, this.testId);
    }
    return (saved as NonNullable<Drafts[K]> | undefined) ?? undefined;
  }

  /** After every edit and every save: the draft kept while the form differs from what was loaded. */
  changed(): void {
    const d = this.form.capture();
    this.store.set(this.key, d);
    if (d === undefined) clear(this.restoreBox);
  }
}
