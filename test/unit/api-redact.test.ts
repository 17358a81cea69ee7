import { strict as assert } from 'node:assert';
import { REDACTED, forgetSecret, redact, registerSecret } from '../../src/api/redact';
import { ApiError, AuthError, HttpStatusError, JuiceNetError, NetworkError, ProtocolError, toJuiceNetError } from '../../src/api/errors';

const UNIT_TOKEN = '7bb8a909a4e14bf4b5c927e0669298b3';
const ACCOUNT_TOKEN = '4dd4e456-2304-4h05-67a6-3ghabc900660';
const UNIT_ID = '0814081508141535522516012129';

describe('redact', () => {
  it('replaces 32-hex unit tokens and UUID-like account tokens by shape', () => {
    const out = redact(`token=${UNIT_TOKEN} account=${ACCOUNT_TOKEN}`);
    assert.equal(out, `token=${REDACTED} account=${REDACTED}`);
  });
  it('keeps unit IDs (28 decimal digits)', () => {
    assert.equal(redact(`unit ${UNIT_ID} failed`), `unit ${UNIT_ID} failed`);
  });
  it('removes registered secrets of any shape, and forgets them on request', () => {
    const odd = 'my secret-ish value!';
    registerSecret(odd);
    assert.equal(redact(`x ${odd} y`), `x ${REDACTED} y`);
    forgetSecret(odd);
    assert.equal(redact(`x ${odd} y`), `x ${odd} y`);
  });
  it("redacts the protocol's non-hex unit token (1ee8a9101r5h…) by its mixed letters-and-digits shape", () => {
    assert.equal(redact('t=1ee8a9101r5h14bf4b5c927e4567891b3.'), `t=${REDACTED}.`);
  });
  it('removes credentials written into a URL, keeping the host', () => {
    assert.equal(redact('base URL https://me:hunter2@jb.example.com/x changed'), `base URL https://${REDACTED}@jb.example.com/x changed`);
    assert.equal(redact('http://user@127.0.0.1:8080'), `http://${REDACTED}@127.0.0.1:8080`);
    assert.equal(redact('mail me@example.com and see https://jb.example.com'), 'mail me@example.com and see https://jb.example.com');
  });
  it('ignores too-short secrets so messages stay readable', () => {
    registerSecret('16');
    assert.equal(redact('limit 16 A'), 'limit 16 A');
  });
});

describe('errors carry no token', () => {
  const secret = 'Zq9-custom-secret-value';
  before(() => registerSecret(secret));
  after(() => forgetSecret(secret));

  it('in message, userMessage, stack and cause', () => {
    const cause = new Error(`connect failed for ${secret} and ${UNIT_TOKEN}`);
    const e = toJuiceNetError(Object.assign(cause, { code: 'ECONNRESET' }));
    assert.ok(e instanceof NetworkError);
    for (const text of [
      e.message,
      e.userMessage,
      e.nextStep,
      e.stack ?? '',
      String((e as Error & { cause?: Error }).cause?.message),
      String((e as Error & { cause?: Error }).cause?.stack),
    ]) {
      assert.ok(!text.includes(secret), text);
      assert.ok(!text.includes(UNIT_TOKEN), text);
    }
  });
  it('HttpStatusError body excerpt is redacted and at most 200 characters', () => {
    const e = new HttpStatusError(500, `oops ${UNIT_TOKEN} ${'x'.repeat(500)}`);
    assert.ok(!e.message.includes(UNIT_TOKEN) && !e.bodyExcerpt.includes(UNIT_TOKEN));
    assert.ok(e.bodyExcerpt.length <= 200);
    assert.equal(e.status, 500);
  });
  it('every class has a userMessage and a nextStep', () => {
    const all: JuiceNetError[] = [
      new ApiError('nope', 422, 'set_limit'),
      new AuthError('Invalid token', 401, 'get_state'),
      new ProtocolError('charging.amps_limit', 'expected number, got "abc"'),
      new HttpStatusError(404, 'not found'),
      new NetworkError('ECONNREFUSED'),
    ];
    for (const e of all) {
      assert.ok(e.userMessage.length > 5 && e.nextStep.length > 5, e.name);
    }
    const auth = new AuthError('Invalid token', 401);
    assert.equal(auth.userMessage, 'The JuiceNet server rejected the token.');
    assert.equal(auth.nextStep, 'Sign in again with a current account token.');
    assert.ok(auth instanceof ApiError);
  });
});
