// juicenet.setSolarMode: charge a charger from solar surplus (off, solar only, solar plus a minimum
// of 6 A). JuiceNet Local reads the grid power from a meter: when none is set yet, asks where
// (an HTTP JSON address polled every few seconds, or an MQTT topic), the value's path and its sign.
// Test arguments: (unit, { mode, meter }).
import * as vscode from 'vscode';
import type { LocalMeterConfig } from '../api/local-contract';
import type { SolarMode } from '../domain/smart/solar';
import { askText, callSmart, onLocalServer, resolveUnit, type CommandContext } from './run';

export interface SolarAnswers {
  mode?: SolarMode;
  meter?: LocalMeterConfig;
}

const MODES: { label: string; detail: string; mode: SolarMode }[] = [
  { label: 'Solar only', detail: 'Charge only from surplus; pause when it stays under 6 A.', mode: 'solar-only' },
  { label: 'Solar plus a minimum', detail: 'At least 6 A, more when the surplus allows.', mode: 'solar-plus-min' },
  { label: 'Off', detail: 'Charge at the normal limit, whatever the sun does.', mode: 'off' },
];

async function askMeter(title: string): Promise<LocalMeterConfig | undefined> {
  const kind = await vscode.window.showQuickPick(
    [
      {
        label: 'An HTTP address',
        detail: 'Polled every 5 seconds; it answers JSON (a Shelly, a Tasmota plug, a Home Assistant sensor...).',
        source: 'http' as const,
      },
      { label: 'An MQTT topic', detail: 'A broker topic carrying the grid power.', source: 'mqtt' as const },
    ],
    { title, placeHolder: 'Where does the grid power come from?', ignoreFocusOut: true },
  );
  if (!kind) return undefined;
  const url = await askText({
    title,
    prompt: kind.source === 'http' ? 'The meter address (http://...).' : 'The broker address (mqtt://host:1883).',
    placeHolder: kind.source === 'http' ? 'http://192.168.1.40/status' : 'mqtt://192.168.1.10:1883',
    validate: (s) => {
      try {
        const u = new URL(s.trim());
        return (kind.source === 'http' ? ['http:', 'https:'] : ['mqtt:', 'mqtts:', 'ws:', 'wss:']).includes(u.protocol)
          ? undefined
          : `An address starting with ${kind.source === 'http' ? 'http://' : 'mqtt://'}.`;
      } catch {
        return 'An address such as http://192.168.1.40/status.';
      }
    },
  });
  if (url === undefined) return undefined;
  const topic =
    kind.source === 'mqtt'
      ? await askText({
          title,
          prompt: 'The topic with the grid power.',
          placeHolder: 'home/meter/power',
          validate: (s) => (s.trim() ? undefined : 'A topic.'),
        })
      : '';
  if (topic === undefined) return undefined;
  const path = await askText({
    title,
    prompt: 'Where the value is in the JSON, as a dotted path (empty when the reply is the number itself).',
    placeHolder: 'emeters.0.power',
    validate: () => undefined,
  });
  if (path === undefined) return undefined;
  const sign = await vscode.window.showQuickPick(
    [
      { label: 'Positive when drawing from the grid', description: 'negative when exporting', sign: 1 as const },
      { label: 'Positive when exporting to the grid', sign: -1 as const },
    ],
    { title, placeHolder: "The value's sign", ignoreFocusOut: true },
  );
  if (!sign) return undefined;
  return kind.source === 'http'
    ? { kind: 'http', url: url.trim(), path: path.trim(), sign: sign.sign, intervalS: 5 }
    : { kind: 'mqtt', url: url.trim(), topic: topic.trim(), path: path.trim(), sign: sign.sign };
}

export async function setSolarMode(ctx: CommandContext, unitArg?: unknown, answers: SolarAnswers = {}): Promise<void> {
  const unit = await resolveUnit(ctx, unitArg, 'Charge From Solar Surplus');
  if (!unit) return;
  if (!onLocalServer(ctx, unit.accountId)) {
    void ctx.notify.warn(`JuiceNet: solar charging is done by JuiceNet Local, and ${unit.name} is on another server. Connect to your local server to use it.`);
    return;
  }
  const title = `JuiceNet: ${unit.name} from solar surplus`;
  const mode = answers.mode ?? (await vscode.window.showQuickPick(MODES, { title, ignoreFocusOut: true }))?.mode;
  if (!mode) return;
  if (mode !== 'off') {
    const meterKind = (ctx.local.smart.status(unit.accountId) ?? (await callSmart(ctx, unit.accountId, { action: 'status' }, 'reading smart charging')))?.meter
      .kind;
    const meter = answers.meter ?? (meterKind === 'none' ? await askMeter(title) : undefined);
    if (meterKind === 'none' && !meter) return;
    if (meter) {
      const m = await callSmart(ctx, unit.accountId, { action: 'set-meter', meter }, 'setting the meter');
      if (!m) return;
    }
  }
  const s = await callSmart(ctx, unit.accountId, { action: 'set-solar', unitId: unit.unitId, mode }, `setting the solar mode of ${unit.name}`);
  if (s) void ctx.notify.info(`JuiceNet: ${unit.name}: ${s.message}`);
}
