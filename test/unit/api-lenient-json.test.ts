import { strict as assert } from 'node:assert';
import { lenientJsonParse } from '../../src/api/lenient-json';
import { ProtocolError } from '../../src/api/errors';

describe('lenientJsonParse', () => {
  it('parses strict JSON as JSON.parse does', () => {
    assert.deepEqual(lenientJsonParse('{"a":[1,2,{"b":null}],"c":"x"}'), { a: [1, 2, { b: null }], c: 'x' });
  });
  it('turns smart quotes into straight quotes', () => {
    assert.deepEqual(lenientJsonParse('{ "cmd": “get_share_pin”, "device_name”: “string” }'), { cmd: 'get_share_pin', device_name: 'string' });
  });
  it('drops trailing commas before } and ]', () => {
    assert.deepEqual(lenientJsonParse('{"a":[1,2,],"b":{"c":1,},}'), { a: [1, 2], b: { c: 1 } });
  });
  it('inserts a missing comma between a value and the next key line', () => {
    assert.deepEqual(lenientJsonParse('{\n "token":"90f1"\n "amperage": 15\n}'), { token: '90f1', amperage: 15 });
    assert.deepEqual(lenientJsonParse('{\n "a": {"x":1}\n "b": [1]\n "c": true\n}'), { a: { x: 1 }, b: [1], c: true });
  });
  it("restores the `{` of a key whose value lost it (get_info's restrictions)", () => {
    const text = '{"name":"x",\n "restrictions":\n   "set_tou": {"message": "m"},\n   "history": {"message": "h"}\n }\n}';
    assert.deepEqual(lenientJsonParse(text), { name: 'x', restrictions: { set_tou: { message: 'm' }, history: { message: 'h' } } });
  });
  it('keeps string contents untouched when repairing (commas, braces, escaped quotes)', () => {
    assert.deepEqual(lenientJsonParse('{"a":"x, }] \\"q\\"",}'), { a: 'x, }] "q"' });
  });
  it('refuses non-JSON with a ProtocolError naming the body', () => {
    for (const bad of ['<html>502 Bad Gateway</html>', '{"a":', '{"a":"unterminated', '']) {
      assert.throws(
        () => lenientJsonParse(bad),
        (e: unknown) => e instanceof ProtocolError && e.path === '(body)',
      );
    }
  });
  it('refuses replies over maxBytes before parsing', () => {
    const big = JSON.stringify({ a: 'x'.repeat(2000) });
    assert.throws(() => lenientJsonParse(big, { maxBytes: 1000 }), /larger than 1000 bytes/);
    // Multi-byte characters count as bytes, not UTF-16 units.
    assert.throws(() => lenientJsonParse(JSON.stringify({ a: '€'.repeat(400) }), { maxBytes: 1000 }), /larger than/);
    assert.deepEqual(lenientJsonParse(JSON.stringify({ a: '€'.repeat(300) }), { maxBytes: 1000 }), { a: '€'.repeat(300) });
  });
  it('refuses nesting deeper than 64 without exhausting the stack, even for a huge input', () => {
    assert.throws(() => lenientJsonParse('['.repeat(1_000_000) + ']'.repeat(1_000_000)), /nested deeper than 64/);
    assert.throws(() => lenientJsonParse('{"a":'.repeat(65) + '1' + '}'.repeat(65)), /nested deeper than 64/);
    const ok = '{"a":'.repeat(64) + '1' + '}'.repeat(64);
    assert.doesNotThrow(() => lenientJsonParse(ok));
  });
  it('does not count brackets inside strings as nesting', () => {
    assert.deepEqual(lenientJsonParse(JSON.stringify({ s: '['.repeat(500) })), { s: '['.repeat(500) });
  });
});
