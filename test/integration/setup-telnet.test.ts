// In the real host: "Point a JuiceBox at This Server" over the box's telnet console, against the
// fake console the project ships (loopback only). A confirmed change sends `udpc`, and the command
// waits until the box's reports reach the local server; a declined plan, and consoles that hang,
// refuse, answer garbage or show another prompt, send nothing and say that nothing changed.
import { strict as assert } from 'node:assert';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as vscode from 'vscode';
import { startFakeConsole, type FakeConsole, type FakeConsoleMode } from '../fixtures/fake-console';
import { startJuiceBoxEmulator, type JuiceBoxEmulator } from '../../src/simulator/juicebox-udp';
import type { JuiceNetTestApi } from '../../src/test-api';
import { extensionApi, waitFor } from './helpers';

describe('point a JuiceBox at the local server over telnet', function () {
  this.timeout(120_000);
  let api: JuiceNetTestApi;
  const consoles: FakeConsole[] = [];
  let emu: JuiceBoxEmulator | undefined;
  const cfg = () => vscode.workspace.getConfiguration('juicenet.localServer');
  const udpPort = () => {
    const s = api.local.server.state;
    assert.equal(s.kind, 'running');
    return s.kind === 'running' ? s.udpPort : 0;
  };
  const fake = async (mode: FakeConsoleMode) => {
    const c = await startFakeConsole({ mode });
    consoles.push(c);
    return c;
  };
  const point = (c: FakeConsole, extra: Record<string, unknown> = {}) =>
    vscode.commands.executeCommand<boolean>('juicenet.pointBoxHere', {
      boxHost: '127.0.0.1',
      boxPort: c.port,
      targetHost: '127.0.0.1',
      timeoutMs: 800,
      verifyTimeoutMs: 20_000,
      ...extra,
    });
  const lastText = () => api.messages().slice(-1)[0]?.text ?? '';

  before(async () => {
    api = await extensionApi();
    await cfg().update('udpPort', 0, vscode.ConfigurationTarget.Global);
    await cfg().update('httpPort', 0, vscode.ConfigurationTarget.Global);
    // A data folder of its own: boxes other suites taught the server are not in it.
    await cfg().update('dataDir', mkdtempSync(join(tmpdir(), 'juicenet-local-host-')), vscode.ConfigurationTarget.Global);
    if (api.local.server.state.kind !== 'running') assert.equal(await vscode.commands.executeCommand('juicenet.startLocalServer'), true);
  });
  beforeEach(() => api.clearMessages());
  after(async () => {
    await emu?.stop();
    for (const c of consoles) await c.close();
    await vscode.commands.executeCommand('juicenet.stopLocalServer');
    for (const a of api.backend.accounts().filter((x) => x.label.startsWith('Local server')))
      await vscode.commands.executeCommand('juicenet.signOut', a.accountId);
    await cfg().update('udpPort', undefined, vscode.ConfigurationTarget.Global);
    await cfg().update('httpPort', undefined, vscode.ConfigurationTarget.Global);
    const dir = cfg().get<string>('dataDir');
    await cfg().update('dataDir', undefined, vscode.ConfigurationTarget.Global);
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('a declined plan sends nothing to the box', async () => {
    const c = await fake('normal');
    api.answerNextMessage(Promise.resolve(undefined));
    assert.equal(await point(c), false);
    const confirm = api.messages().find((m) => m.actions?.includes('Send'));
    assert.ok(confirm, 'the plan was shown with a Send button');
    assert.match(confirm.text, /juicenet-udp-prod3-usa\.enelx\.com:8047.*127\.0\.0\.1:\d+/);
    assert.match(confirm.text, new RegExp(`udpc 127\\.0\\.0\\.1 ${udpPort()}`));
    assert.equal(c.changes, 0);
    assert.ok(!c.received.some((l) => l.startsWith('udpc')), `no udpc sent: ${JSON.stringify(c.received)}`);
    assert.match(lastText(), /nothing was sent/);
  });

  it('a confirmed change sends udpc, reads the streams back, and waits until the box reports here', async () => {
    const c = await fake('normal');
    // The box starts reporting to its new server once the console took the change.
    const started = (async () => {
      await waitFor('the console change', () => c.changes > 0, 30_000);
      const stream = c.streams.find((s) => s.type === 'UDPC');
      assert.equal(stream?.port, udpPort());
      emu = await startJuiceBoxEmulator({
        target: { host: stream!.host!, port: stream!.port! },
        simulatorOptions: { units: 1, seed: 999, speed: 20, autoPlug: false, spareUnits: 0 },
        tickMs: 20,
      });
    })();
    api.answerNextMessage(Promise.resolve('Send'));
    const ok = await point(c);
    await started;
    assert.equal(ok, true, JSON.stringify(api.messages()));
    assert.ok(c.received.includes(`udpc 127.0.0.1 ${udpPort()}`), JSON.stringify(c.received));
    assert.match(lastText(), new RegExp(`${emu!.boxes[0].serial}\\) now reports to this server`));
  });

  it('takes the console port with the address, says a closed console in words, and Retry tries again with what was typed', async () => {
    const c = await fake('hangs');
    const port = c.port;
    await c.close();
    api.answerNextMessage(Promise.resolve('Retry'));
    api.answerNextMessage(Promise.resolve(undefined));
    const ok = await vscode.commands.executeCommand<boolean>('juicenet.pointBoxHere', {
      boxHost: `127.0.0.1:${port}`,
      targetHost: '127.0.0.1',
      timeoutMs: 800,
    });
    assert.equal(ok, false);
    const errors = await waitFor('the second attempt’s error', () => {
      const e = api.messages().filter((m) => m.level === 'error');
      return e.length >= 2 ? e : undefined;
    });
    for (const e of errors) {
      assert.equal(
        e.text,
        `JuiceNet: could not point the box at this server: could not connect to the box's console: nothing answers on 127.0.0.1:${port}: the console is off, or this is not the box’s address or console port. Nothing was changed on the box.`,
      );
      assert.deepEqual(e.actions, ['Retry', 'Show Log']);
      assert.doesNotMatch(e.text, /ECONN|\d ms/);
    }
  });

  for (const [mode, pattern] of [
    ['hangs', /Nothing was changed/],
    ['refuses', /refused[\s\S]*Nothing was changed|Nothing was changed[\s\S]*refused/],
    ['garbage', /Nothing was changed/],
    ['wrong-prompt', /Nothing was changed/],
  ] as const) {
    it(`a console that ${mode === 'wrong-prompt' ? 'shows another prompt' : mode} is a clear error that changed nothing`, async () => {
      const c = await fake(mode);
      api.answerNextMessage(Promise.resolve('Send'));
      assert.equal(await point(c), false);
      assert.equal(c.changes, 0);
      const err = api.messages().find((m) => m.level === 'error');
      assert.ok(err, `an error was shown: ${JSON.stringify(api.messages())}`);
      assert.match(err.text, /could not point the box at this server/);
      assert.match(err.text, pattern);
    });
  }
});
