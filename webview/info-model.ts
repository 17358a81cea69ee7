// The editable get_info object: validation as typed (field-level messages naming the path) and
// the diff shown before set_info is sent. Pure: used by the webview, tested in Node.
// A namespace import: esbuild can then drop zod's locales (85 KB instead of 450 KB minified).
import * as z from 'zod';

// Messages say what is wrong without the field's wire name: the JSON pane shows them after the
// field's path, the form beside the field's label.
const positiveInt = () => z.number({ error: 'must be a number' }).int('must be a whole number').positive('must be above 0');
const nonNegInt = () => z.number({ error: 'must be a number' }).int('must be a whole number').nonnegative('cannot be negative');

const carSchema = z.looseObject({
  car_id: z.number().int().optional(),
  description: z.string().optional(),
  battery_size_wh: nonNegInt().optional(),
  battery_range_m: nonNegInt().optional(),
  charging_rate_w: nonNegInt().optional(),
});

/** What may be sent through set_info. Unknown fields are kept (looseObject) so nothing is lost. */
export const editableInfoSchema = z.looseObject({
  name: z.string({ error: 'must be text' }).trim().min(1, 'cannot be empty').max(100, 'is too long (100 characters at most)'),
  address: z.string({ error: 'must be text' }).optional(),
  city: z.string({ error: 'must be text' }).optional(),
  zip: z.string({ error: 'must be text' }).max(20, 'is too long (20 characters at most)').optional(),
  country_code: z
    .string({ error: 'must be text' })
    .regex(/^[A-Za-z]{2}$/, 'must be two letters (e.g. US)')
    .optional(),
  timeZoneId: z.string({ error: 'must be text' }).min(1, 'cannot be empty').optional(),
  gascost: nonNegInt().optional(),
  ecost: nonNegInt().optional(),
  mpg: nonNegInt().optional(),
  whpermile: nonNegInt().optional(),
  amps_wire_rating: positiveInt().optional(),
  amps_unit_rating: positiveInt().optional(),
  info_timestamp: z.number().optional(),
  cars: z.array(carSchema, { error: 'must be a list' }).optional(),
  policy: z
    .looseObject({
      name: z.string({ error: 'must be text' }).optional(),
      user_control_allowed: z.boolean('must be true or false').optional(),
      charge_control_type: z.string({ error: 'must be text' }).optional(),
    })
    .optional(),
});

export interface FieldProblem {
  /** "amps_wire_rating", "cars[0].description" */
  path: string;
  message: string;
}

export function formatPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const p of path) {
    if (typeof p === 'number') out += `[${p}]`;
    else out += out ? `.${String(p)}` : String(p);
  }
  return out || '(root)';
}

/** Validates an edited info object; [] when it may be sent. */
export function validateInfo(value: unknown): FieldProblem[] {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return [{ path: '(root)', message: 'the info must be a JSON object ({ ... })' }];
  }
  const r = editableInfoSchema.safeParse(value);
  if (r.success) return [];
  return r.error.issues.map((i) => ({ path: formatPath(i.path), message: i.message }));
}

/** Parses the JSON editor's text; a syntax error is a problem at (json), never a throw. */
export function parseInfoJson(text: string): { value?: Record<string, unknown>; problems: FieldProblem[] } {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    return { problems: [{ path: '(json)', message: `JSON does not parse: ${(e as Error).message}` }] };
  }
  const problems = validateInfo(value);
  return problems.length ? { problems } : { value: value as Record<string, unknown>, problems };
}

export interface InfoChange {
  path: string;
  /** undefined = the field is added / removed. */
  before: unknown;
  after: unknown;
}

/** Leaf-level differences between two JSON values (path: old -> new), in a stable order. */
export function diffInfo(before: unknown, after: unknown): InfoChange[] {
  const out: InfoChange[] = [];
  walk(before, after, [], out);
  return out;
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function walk(a: unknown, b: unknown, path: (string | number)[], out: InfoChange[]): void {
  if (isPlainObject(a) && isPlainObject(b)) {
    const keys = [...new Set([...Object.keys(a), ...Object.keys(b)])];
    for (const k of keys) walk(a[k], b[k], [...path, k], out);
    return;
  }
  if (Array.isArray(a) && Array.isArray(b)) {
    for (let i = 0; i < Math.max(a.length, b.length); i++) walk(a[i], b[i], [...path, i], out);
    return;
  }
  if (JSON.stringify(a) !== JSON.stringify(b)) out.push({ path: formatPath(path), before: a, after: b });
}

/** "amps_wire_rating: 60 → 40" */
export function describeChange(c: InfoChange): string {
  const show = (v: unknown) => (v === undefined ? '(none)' : JSON.stringify(v));
  return `${c.path}: ${show(c.before)} → ${show(c.after)}`;
}

/** Sets a value at a dotted path ("policy.name") in a copy of obj. Used by the structured form. */
export function setAtPath(obj: Record<string, unknown>, path: string, value: unknown): Record<string, unknown> {
  const copy = structuredClone(obj);
  const keys = path.split('.');
  let cur: Record<string, unknown> = copy;
  for (const k of keys.slice(0, -1)) {
    if (!isPlainObject(cur[k])) cur[k] = {};
    cur = cur[k] as Record<string, unknown>;
  }
  const last = keys[keys.length - 1];
  if (value === undefined) delete cur[last];
  else cur[last] = value;
  return copy;
}

export function getAtPath(obj: Record<string, unknown>, path: string): unknown {
  let cur: unknown = obj;
  for (const k of path.split('.')) {
    if (!isPlainObject(cur)) return undefined;
    cur = cur[k];
  }
  return cur;
}
