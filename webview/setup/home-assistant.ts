// The setup assistant's optional Home Assistant step: the MQTT broker the local server publishes
// to (address, user; the password is asked by VS Code itself and never enters this page), a
// connection test, and what will appear in Home Assistant. Its own part of the page, built once
// and then only updated, so that what the owner types survives the model's refreshes.
import { h, clear } from '../dom';
import './home-assistant.css';
import type { SetupPageMessage } from '../../src/protocol/setup-messages';
import type { SetupHomeAssistant } from '../../src/protocol/setup-mqtt-messages';

interface Parts {
  root: HTMLElement;
  url: HTMLInputElement;
  user: HTMLInputElement;
  proxy: HTMLInputElement;
  password: HTMLElement;
  clearPassword: HTMLElement;
  connection: HTMLElement;
  test: HTMLElement;
  restart: HTMLElement;
  devices: HTMLElement;
  entities: HTMLElement;
}

let parts: Parts | undefined;
/** The owner changed a field since the last save: the model's values do not overwrite it. */
let editing = false;

/** The page's own button maker (label, test id, action, secondary). */
type ButtonMaker = (label: string, testId: string, onClick: () => void, secondary?: boolean) => HTMLElement;

function build(send: (m: SetupPageMessage) => void, button: ButtonMaker): Parts {
  const url = h('input', { type: 'text', id: 'mqtt-url', 'data-testid': 'mqtt-url', placeholder: 'mqtt://192.168.1.10:1883', spellcheck: 'false' });
  const user = h('input', { type: 'text', id: 'mqtt-user', 'data-testid': 'mqtt-user', placeholder: 'juicenet', spellcheck: 'false' });
  const proxy = h('input', { type: 'checkbox', id: 'mqtt-proxy', 'data-testid': 'mqtt-proxy' });
  for (const el of [url, user, proxy]) el.addEventListener('input', () => (editing = true));
  const save = () => {
    editing = false;
    send({ kind: 'mqtt', action: 'save', url: url.value, user: user.value, proxyTopics: proxy.checked });
  };
  const p: Parts = {
    root: h('section', { class: 'home-assistant', 'data-testid': 'home-assistant' }),
    url,
    user,
    proxy,
    password: h('span', { 'data-testid': 'mqtt-password-state' }),
    clearPassword: button('Remove the password', 'mqtt-clear-password', () => send({ kind: 'mqtt', action: 'clearPassword' }), true),
    connection: h('p', { 'data-testid': 'mqtt-connection' }),
    test: h('p', { 'data-testid': 'mqtt-test' }),
    restart: h('p', {
      class: 'message warn',
      'data-testid': 'mqtt-restart',
      text: 'The server runs with other broker settings: they apply when it is next started (Stop, then Start).',
    }),
    devices: h('ul', { 'data-testid': 'mqtt-devices' }),
    entities: h('ul', { 'data-testid': 'mqtt-entities' }),
  };
  p.root.append(
    h('h3', { text: 'Home Assistant and evcc (optional)' }),
    h('p', {
      text: 'The local server can publish every charger to an MQTT broker (the Mosquitto add-on of Home Assistant, or any other). Home Assistant then finds each charger by itself, and evcc can drive it for solar charging.',
    }),
    h('div', { class: 'form' }, h('label', { for: 'mqtt-url', text: 'Broker address' }), url, h('label', { for: 'mqtt-user', text: 'User' }), user),
    h('p', {}, h('label', { class: 'check' }, proxy, ' Also the topics of JuicePass Proxy (for flows and dashboards made for it)')),
    h('p', {}, 'Password: ', p.password),
    h(
      'div',
      { class: 'toolbar' },
      button('Save', 'mqtt-save', save),
      button('Set the password…', 'mqtt-password', () => send({ kind: 'mqtt', action: 'password' }), true),
      p.clearPassword,
      button(
        'Test the connection',
        'mqtt-test-button',
        () => {
          if (editing) save();
          send({ kind: 'mqtt', action: 'test' });
        },
        true,
      ),
    ),
    p.test,
    p.connection,
    p.restart,
    h('h4', { text: 'What will appear in Home Assistant' }),
    h('p', { text: 'One device per charger, named as in the Chargers view:' }),
    p.devices,
    h('p', { text: 'Each with:' }),
    p.entities,
  );
  return p;
}

/** Shows (or updates) the step; undefined hides it. */
export function renderHomeAssistant(m: SetupHomeAssistant | undefined, after: HTMLElement, send: (msg: SetupPageMessage) => void, button: ButtonMaker): void {
  if (!m) {
    parts?.root.remove();
    return;
  }
  parts ??= build(send, button);
  const p = parts;
  if (!p.root.isConnected) after.after(p.root);
  if (!editing) {
    p.url.value = m.url;
    p.user.value = m.user;
    p.proxy.checked = m.proxyTopics;
  }
  p.password.textContent = m.passwordSet ? 'kept in VS Code’s secret storage' : 'none';
  p.clearPassword.hidden = !m.passwordSet;
  p.test.textContent = m.test?.text ?? '';
  p.test.className = m.test ? `message ${m.test.ok ? 'ok' : 'error'}` : '';
  p.connection.textContent =
    m.connection?.text ?? (m.url ? 'The server does not publish to a broker now (start it, or start it again, to use these settings).' : '');
  p.connection.className = m.connection ? `message ${m.connection.connected ? 'ok' : 'error'}` : 'muted';
  p.restart.hidden = !m.restartNeeded;
  clear(p.devices);
  for (const d of m.devices.length ? m.devices : ['(no charger added yet)']) p.devices.append(h('li', { text: d }));
  clear(p.entities);
  for (const e of m.entities) p.entities.append(h('li', { text: e }));
}
