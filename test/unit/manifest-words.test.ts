// The manifest speaks the owner's words: settings, menus and commands carry no protocol name, and
// the alert settings match the alerts the extension raises.
import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ALERT_EVENTS, DEFAULT_ALERT_EVENTS, alertLabel } from '../../src/domain/alerts';

interface Setting {
  default?: unknown;
  description?: string;
  markdownDescription?: string;
  items?: { enum?: string[]; enumItemLabels?: string[]; enumDescriptions?: string[] };
}
const manifest = JSON.parse(readFileSync(join(__dirname, '../../package.json'), 'utf8')) as {
  contributes: { configuration: { properties: Record<string, Setting> }; commands: { title: string }[] };
};
const settings = manifest.contributes.configuration.properties;
/** Protocol names an owner should never read: snake_case words and the one-word field names. */
const WIRE = /\b[a-z]+_[a-z_]+\b|\b(ecost|gascost|whpermile|timeZoneId|amperage)\b|\bplugged\b(?! in)/;

describe('manifest: the owner words in settings and commands', () => {
  it('no setting description or command title shows a protocol name', () => {
    for (const [id, s] of Object.entries(settings)) {
      // Setting links (`#juicenet.x#`) are rendered as titles by VS Code; strip them first.
      const text =
        `${s.description ?? ''} ${s.markdownDescription ?? ''} ${(s.items?.enumDescriptions ?? []).join(' ')} ${(s.items?.enumItemLabels ?? []).join(' ')}`.replace(
          /`#[^#]+#`/g,
          '',
        );
      assert.doesNotMatch(text, WIRE, id);
      assert.ok((s.markdownDescription ?? s.description ?? '').length > 0, `${id} is described`);
    }
    for (const c of manifest.contributes.commands) assert.doesNotMatch(c.title, WIRE, c.title);
  });
  it('alerts are on by default for charging finished, charger faults and local boxes gone silent or ignoring commands only', () => {
    assert.equal(settings['juicenet.alerts.enabled'].default, true);
    assert.deepEqual(settings['juicenet.alerts.events'].default, [...DEFAULT_ALERT_EVENTS]);
    assert.deepEqual(settings['juicenet.alerts.events'].items?.enum, [...ALERT_EVENTS], 'every alert the extension raises can be chosen');
    assert.deepEqual(settings['juicenet.alerts.events'].items?.enumItemLabels, ALERT_EVENTS.map(alertLabel), 'one label per event');
  });
});
