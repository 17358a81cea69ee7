// Request validation for the protocol server, on the client's own wire schemas (src/api/wire.ts): the
// server accepts exactly the requests the client is built to send.
//
// Shape errors (missing field, wrong type) are malformed requests: HTTP 400. A request whose only
// problems are values out of range (amperage 50, minutes 1500, type "sometimes", 16.5 A) goes on
// to the command, which knows the unit's ratings and answers success:false, error_code 422 with a
// message that names the allowed range.
import type * as z from 'zod';
import { normaliseKeys, requestSchemas } from '../api/wire';
import type { Command } from '../api/types';

export type SimCommand = Command;
export type SimRequest<C extends Command> = z.output<(typeof requestSchemas)[C]>;

type Issue = z.core.$ZodIssue;

/** An issue about a value (range, enum, whole number), not about the request's shape. */
function isValueIssue(i: Issue): boolean {
  if (i.code === 'invalid_type') return i.expected === 'int';
  return i.code === 'too_small' || i.code === 'too_big' || i.code === 'invalid_value' || i.code === 'not_multiple_of' || i.code === 'invalid_format';
}

/** Validates a body for a command; returns the request (keys trimmed) or a one-line message naming the field. */
export function validateRequest<C extends Command>(cmd: C, body: unknown): { ok: true; value: SimRequest<C> } | { ok: false; message: string } {
  let trimmed: unknown;
  try {
    trimmed = normaliseKeys(body);
  } catch (e) {
    return { ok: false, message: (e as Error).message };
  }
  const r = requestSchemas[cmd].safeParse(trimmed);
  if (r.success) return { ok: true, value: r.data as SimRequest<C> };
  const shape = r.error.issues.find((i) => !isValueIssue(i));
  // Only value problems: the types are right, so the engine can read the body and explain the range.
  if (!shape) return { ok: true, value: trimmed as SimRequest<C> };
  const path = shape.path.map(String).join('.') || '(body)';
  const missing = shape.code === 'invalid_type' && /received undefined/.test(shape.message);
  return { ok: false, message: missing ? `Missing field "${path}"` : `Invalid field "${path}": ${shape.message}` };
}
