// The JuiceBox's own UDP protocol: status and debug reports from the box, commands to it.
// Pure functions over text and bytes (no sockets, no clock). Decoding never throws: every datagram
// becomes a report, a debug line, an encrypted report, or a refusal with its reason. Values are
// normalised to units named in the field (currentA, voltageV, ...); the wire fields are kept too,
// in order and with repeats, so nothing the box said is lost.
import { juiceboxChecksum } from './checksum';

export { juiceboxChecksum, checksumMatches, CHECKSUM_DIGITS } from './checksum';

/** Charger state from the report: `S`, or (old firmware without `S`) derived from the current. */
export type JuiceBoxState = 'standby' | 'plugged' | 'charging' | 'error' | 'unknown';

/** One wire field: its letter and its value as sent (`['A', '00161']`, `['v', '09u']`). */
export type JuiceBoxField = [letter: string, value: string];

export interface JuiceBoxReport {
  kind: 'report';
  serial: string;
  /** `v09u`, `v07`, ...; absent for old firmware that sends no version. */
  protocolVersion?: string;
  /** `valid`: the checksum after `!` matched; `absent`: an unversioned report without one. */
  checksum: 'valid' | 'absent';
  /** Every field as sent, in order, repeats kept (old firmware can send `E` twice). */
  fields: JuiceBoxField[];
  state: JuiceBoxState;
  currentA?: number;
  voltageV?: number;
  sessionEnergyWh?: number;
  lifetimeEnergyWh?: number;
  temperatureC?: number;
  frequencyHz?: number;
  ratingA?: number;
  onlineLimitA?: number;
  offlineLimitA?: number;
  powerFactor?: number;
  reportIntervalS?: number;
  slotOfDay?: number;
  reportCounter?: number;
  /** Not sent by the box: voltage x current, in whole watts, when both are in the report. */
  powerW?: number;
  raw: string;
}

export interface JuiceBoxDebug {
  kind: 'debug';
  serial: string;
  /** `NFO`, `WRN`, `ERR` (or whatever short upper-case level the box sent). */
  level: string;
  text: string;
  /** Present for a boot announcement (`DBG,NFO:BOT:<firmware>`). */
  boot?: { firmware: string };
  /** The box says it refused a reply without a valid checksum. */
  missCrc: boolean;
  raw: string;
}

export interface JuiceBoxEncrypted {
  kind: 'encrypted';
  serial: string;
  protocolVersion: 'v08' | 'v09e';
  raw: string;
}

export type RefusalReason = 'bad-checksum' | 'not-a-report' | 'too-long' | 'not-text';

export interface JuiceBoxRefused {
  kind: 'refused';
  reason: RefusalReason;
  /** The serial, when the datagram starts like a report (digits and a colon). */
  serial?: string;
  /** A sentence for diagnostics: what was wrong. */
  detail: string;
  raw: string;
}

/** Words for the owner (diagnostics, the setup assistant) for each state and refusal. */
export const JUICEBOX_STATE_WORDS: Record<JuiceBoxState, string> = {
  standby: 'no car plugged in',
  plugged: 'plugged in, not charging',
  charging: 'charging',
  error: 'error',
  unknown: 'state not reported',
};

export const REFUSAL_WORDS: Record<RefusalReason, string> = {
  'bad-checksum': 'the checksum did not match (damaged in transit, or not from a JuiceBox)',
  'not-a-report': 'not a JuiceBox report',
  'too-long': 'longer than any JuiceBox report',
  'not-text': 'not text (random bytes)',
};

export type JuiceBoxDatagram = JuiceBoxReport | JuiceBoxDebug | JuiceBoxEncrypted | JuiceBoxRefused;

export interface DecodeOptions {
  /** Longest datagram accepted, in bytes (default 1024; real reports are under 300). */
  maxBytes?: number;
}

/** Default longest datagram, in bytes. */
export const MAX_DATAGRAM_BYTES = 1024;
/** Longest `raw` rendering kept in a decoded value. */
const RAW_LIMIT = 512;
/** Longest serial accepted (real ones are 24-28 digits). */
const SERIAL_MAX = 64;

/** The protocol versions whose reports are encrypted. */
export const ENCRYPTED_VERSIONS = ['v08', 'v09e'] as const;

const SERIAL_RE = new RegExp(`^(\\d{1,${SERIAL_MAX}}):`);
const FIELD_RE = /^([A-Za-z])([+-]?\d{1,20})$/;
const VERSION_RE = /^v(\d{1,3}[a-z]?)$/;
const DEBUG_RE = /^DBG,([A-Z]{2,5}):([\s\S]*)$/;

/** Bytes to a string, one character per byte (the protocol is ASCII). */
function toLatin1(bytes: Uint8Array): string {
  let s = '';
  for (let i = 0; i < bytes.length; i += 4096) s += String.fromCharCode(...bytes.subarray(i, i + 4096));
  return s;
}

/** A printable rendering: ASCII as is, anything else as \xNN (or \u{..}), cut to RAW_LIMIT. */
export function printable(text: string, limit = RAW_LIMIT): string {
  let out = '';
  for (const ch of text) {
    const c = ch.codePointAt(0) ?? 0;
    if (c >= 0x20 && c < 0x7f && ch !== '\\') out += ch;
    else if (ch === '\\') out += '\\\\';
    else if (c <= 0xff) out += `\\x${c.toString(16).padStart(2, '0')}`;
    else out += `\\u{${c.toString(16)}}`;
    if (out.length >= limit) return `${out.slice(0, limit)}…`;
  }
  return out;
}

const isPrintableAscii = (s: string): boolean => /^[\x20-\x7e]*$/.test(s);

function refused(reason: RefusalReason, detail: string, raw: string, serial?: string): JuiceBoxRefused {
  return serial === undefined ? { kind: 'refused', reason, detail, raw } : { kind: 'refused', reason, serial, detail, raw };
}

/** Decodes one datagram. Never throws. */
export function decodeDatagram(input: Uint8Array | string, opts: DecodeOptions = {}): JuiceBoxDatagram {
  try {
    return decode(input, opts);
  } catch (e) {
    // Not expected; a refusal is still better than a crashed server.
    return refused('not-a-report', `could not be read (${(e as Error)?.message ?? 'unknown error'})`, '');
  }
}

function decode(input: Uint8Array | string, opts: DecodeOptions): JuiceBoxDatagram {
  const maxBytes = opts.maxBytes ?? MAX_DATAGRAM_BYTES;
  const text = typeof input === 'string' ? input : toLatin1(input);
  const size = typeof input === 'string' ? Buffer.byteLength(input, 'utf8') : input.length;
  const serial = SERIAL_RE.exec(text)?.[1];
  if (size > maxBytes) return refused('too-long', `${size} bytes, longer than the ${maxBytes} a report can be`, printable(text, 120), serial);
  if (size === 0) return refused('not-a-report', 'empty datagram', '');

  // Encrypted firmware: the version is readable, the rest is not.
  if (serial !== undefined) {
    const after = text.slice(serial.length + 1);
    for (const v of ENCRYPTED_VERSIONS) {
      if (after.startsWith(v) && !/^\d|^[a-z]/.test(after.slice(v.length))) {
        return { kind: 'encrypted', serial, protocolVersion: v, raw: printable(text) };
      }
    }
  }

  // A box may end a datagram with a line break; anything else outside printable ASCII is not a report.
  const body = text.replace(/[\r\n]+$/, '');
  if (!isPrintableAscii(body)) {
    const bad = [...body].findIndex((ch) => !/[\x20-\x7e]/.test(ch));
    return refused('not-text', `byte ${bad} is not printable text`, printable(text), serial);
  }
  const raw = printable(body);
  if (serial === undefined) return refused('not-a-report', 'does not start with a serial number and a colon', raw);

  const rest = body.slice(serial.length + 1);
  const dbg = DEBUG_RE.exec(rest);
  if (dbg) return debugReport(serial, dbg[1], dbg[2], raw);

  const bang = body.indexOf('!');
  if (bang >= 0) {
    const tail = body.slice(bang + 1);
    const m = /^([0-9A-Z]{3}):?$/.exec(tail);
    const hashed = body.slice(0, bang);
    if (!m) return refused('bad-checksum', `the checksum after "!" is not three characters and a colon ("${printable(tail, 20)}")`, raw, serial);
    const want = juiceboxChecksum(hashed);
    if (m[1] !== want) return refused('bad-checksum', `checksum ${m[1]} does not match the report (expected ${want})`, raw, serial);
    return statusReport(serial, hashed.slice(serial.length + 1), 'valid', raw);
  }
  if (!rest.endsWith(':')) return refused('not-a-report', 'a report ends with ":" (or "!" and a checksum)', raw, serial);
  return statusReport(serial, rest.slice(0, -1), 'absent', raw);
}

function debugReport(serial: string, level: string, rest: string, raw: string): JuiceBoxDebug {
  const text = rest.endsWith(':') ? rest.slice(0, -1) : rest;
  const out: JuiceBoxDebug = { kind: 'debug', serial, level, text, missCrc: /miss\s*crc/i.test(text), raw };
  if (text.startsWith('BOT:')) out.boot = { firmware: text.slice(4).trim() };
  return out;
}

function statusReport(serial: string, list: string, checksum: 'valid' | 'absent', raw: string): JuiceBoxDatagram {
  const parts = list.split(',');
  if (parts.length > 1 && parts[parts.length - 1] === '') parts.pop();
  const fields: JuiceBoxField[] = [];
  let protocolVersion: string | undefined;
  for (let i = 0; i < parts.length; i++) {
    const p = parts[i];
    const v = VERSION_RE.exec(p);
    if (v) {
      if (protocolVersion === undefined) protocolVersion = `v${v[1]}`;
      fields.push(['v', v[1]]);
      continue;
    }
    const f = FIELD_RE.exec(p);
    if (!f) return refused('not-a-report', `field ${i + 1} ("${printable(p, 20)}") is not a letter followed by a number`, raw, serial);
    fields.push([f[1], f[2]]);
  }
  if (fields.length === 0) return refused('not-a-report', 'no fields', raw, serial);
  if (checksum === 'absent' && protocolVersion !== undefined) {
    return refused('bad-checksum', `a ${protocolVersion} report must end with "!" and a checksum`, raw, serial);
  }
  if (protocolVersion !== undefined && (ENCRYPTED_VERSIONS as readonly string[]).includes(protocolVersion)) {
    return { kind: 'encrypted', serial, protocolVersion: protocolVersion as 'v08' | 'v09e', raw };
  }

  const first = new Map<string, string>();
  for (const [k, val] of fields) if (!first.has(k)) first.set(k, val);
  const int = (k: string): number | undefined => {
    const s = first.get(k);
    if (s === undefined) return undefined;
    const n = Number(s);
    return Number.isSafeInteger(n) ? n : undefined;
  };
  const scaled = (k: string, divisor: number): number | undefined => {
    const n = int(k);
    return n === undefined ? undefined : n / divisor;
  };

  const r: JuiceBoxReport = { kind: 'report', serial, checksum, fields, state: 'unknown', raw };
  if (protocolVersion !== undefined) r.protocolVersion = protocolVersion;
  const set = <K extends keyof JuiceBoxReport>(key: K, value: JuiceBoxReport[K] | undefined) => {
    if (value !== undefined) r[key] = value;
  };
  set('currentA', scaled('A', 10));
  const vDigits = first.get('V')?.replace(/^[+-]/, '').length ?? 0;
  set('voltageV', scaled('V', vDigits >= 4 ? 10 : 1));
  set('sessionEnergyWh', int('E'));
  set('lifetimeEnergyWh', int('L'));
  set('temperatureC', int('T'));
  set('frequencyHz', scaled('f', 100));
  set('ratingA', int('m'));
  set('onlineLimitA', int('M'));
  set('offlineLimitA', int('C'));
  set('powerFactor', scaled('p', 1000));
  set('reportIntervalS', int('t'));
  set('slotOfDay', int('i'));
  set('reportCounter', int('s'));
  if (r.voltageV !== undefined && r.currentA !== undefined) r.powerW = Math.round(r.voltageV * r.currentA);
  r.state = stateOf(int('S'), r.currentA);
  return r;
}

function stateOf(code: number | undefined, currentA: number | undefined): JuiceBoxState {
  if (code !== undefined) {
    switch (code) {
      case 0:
        return 'standby';
      case 1:
        return 'plugged';
      case 2:
        return 'charging';
      case 5:
        return 'error';
      default:
        return 'unknown';
    }
  }
  if (currentA === undefined) return 'unknown';
  return currentA > 0 ? 'charging' : currentA === 0 ? 'plugged' : 'unknown';
}

// ---------------------------------------------------------------- reports (for the emulator)

export interface EncodeReportOptions {
  /** Append `!` and the checksum (default true; old firmware sends none). */
  checksum?: boolean;
}

/** A status report datagram from a serial and its fields (`['v','09u']` for the version). */
export function encodeReport(serial: string, fields: readonly JuiceBoxField[], opts: EncodeReportOptions = {}): string {
  const body = `${serial}:${fields.map(([k, v]) => `${k}${v}`).join(',')}`;
  return opts.checksum === false ? `${body}:` : `${body}!${juiceboxChecksum(body)}:`;
}

/** A debug report datagram (`<serial>:DBG,NFO:BOT:<firmware>:`). */
export function encodeDebug(serial: string, level: string, text: string): string {
  return `${serial}:DBG,${level}:${text}:`;
}

// ---------------------------------------------------------------- commands (server -> box)

export interface JuiceBoxCommand {
  /** The reporting box's version (`v09u`, `v07`); absent for old firmware. Chooses the field widths. */
  protocolVersion?: string;
  /** 0 = Sunday. */
  dayOfWeek: number;
  hour: number;
  minute: number;
  /** Current limit while the box hears the server, in whole amps. */
  onlineA: number;
  /** Current limit without a server (the box writes it to EEPROM), in whole amps. */
  offlineA: number;
  /** The `C` code; 6 unless there is a reason (default 6). */
  code?: number;
  /** 1..999, one step per command sent (see nextCommandCounter). */
  counter: number;
}

export interface CommandWidths {
  onlineDigits: number;
  offlineDigits: number;
}

/** Wide fields (4-digit online, 3-digit offline) for v09 and later, 2 and 2 for older boxes. */
export function commandWidths(protocolVersion?: string): CommandWidths {
  const m = /^v?(\d+)/.exec(protocolVersion ?? '');
  return m && Number(m[1]) >= 9 ? { onlineDigits: 4, offlineDigits: 3 } : { onlineDigits: 2, offlineDigits: 2 };
}

/** The counter after `counter`: 1..999, then back to 1. */
export function nextCommandCounter(counter: number): number {
  return counter >= 999 || counter < 1 || !Number.isInteger(counter) ? 1 : counter + 1;
}

function digits(name: string, n: number, width: number, min = 0, max = 10 ** width - 1): string {
  if (!Number.isInteger(n) || n < min || n > max) throw new RangeError(`${name} must be a whole number from ${min} to ${max}, got ${n}`);
  return String(n).padStart(width, '0');
}

/** The command datagram (`CMD41325A0040M040C006S638!5N5$`). Throws RangeError on a value out of range. */
export function encodeCommand(c: JuiceBoxCommand): string {
  const w = commandWidths(c.protocolVersion);
  const body =
    `CMD${digits('dayOfWeek', c.dayOfWeek, 1, 0, 6)}${digits('hour', c.hour, 2, 0, 23)}${digits('minute', c.minute, 2, 0, 59)}` +
    `A${digits('onlineA', c.onlineA, w.onlineDigits)}M${digits('offlineA', c.offlineA, w.offlineDigits)}` +
    `C${digits('code', c.code ?? 6, 3)}S${digits('counter', c.counter, 3, 1)}`;
  return `${body}!${juiceboxChecksum(body)}$`;
}

export interface DecodedCommand {
  kind: 'command';
  dayOfWeek: number;
  hour: number;
  minute: number;
  onlineA: number;
  offlineA: number;
  code: number;
  counter: number;
  /** `wide` (4/3 digits, v09u) or `narrow` (2/2, older boxes). */
  width: 'wide' | 'narrow';
  raw: string;
}

export interface RefusedCommand {
  kind: 'refused';
  reason: 'bad-checksum' | 'not-a-command';
  detail: string;
  raw: string;
}

const COMMAND_RE = /^CMD([0-6])([01]\d|2[0-3])([0-5]\d)A(\d{2}|\d{4})M(\d{2}|\d{3})C(\d{3})S(\d{3})$/;

/** Reads a command datagram as a box would. Never throws; a wrong checksum is refused. */
export function decodeCommand(input: Uint8Array | string): DecodedCommand | RefusedCommand {
  const text = (typeof input === 'string' ? input : toLatin1(input)).replace(/[\r\n]+$/, '');
  const raw = printable(text, 200);
  if (text.length > 200) return { kind: 'refused', reason: 'not-a-command', detail: 'too long for a command', raw };
  const m = /^([^!]*)!([^!]*)\$$/.exec(text);
  if (!m) return { kind: 'refused', reason: 'not-a-command', detail: 'a command is CMD...!<checksum>$', raw };
  const [, body, sum] = m;
  const f = COMMAND_RE.exec(body);
  if (!f) return { kind: 'refused', reason: 'not-a-command', detail: 'the fields are not CMD<d><HHMM>A<online>M<offline>C<code>S<counter>', raw };
  if (sum !== juiceboxChecksum(body)) return { kind: 'refused', reason: 'bad-checksum', detail: `checksum ${printable(sum, 10)} does not match`, raw };
  const wide = f[4].length === 4;
  if (wide !== (f[5].length === 3)) return { kind: 'refused', reason: 'not-a-command', detail: 'the A and M fields have mixed widths', raw };
  return {
    kind: 'command',
    dayOfWeek: Number(f[1]),
    hour: Number(f[2]),
    minute: Number(f[3]),
    onlineA: Number(f[4]),
    offlineA: Number(f[5]),
    code: Number(f[6]),
    counter: Number(f[7]),
    width: wide ? 'wide' : 'narrow',
    raw,
  };
}
