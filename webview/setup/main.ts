// The setup assistant page: renders the model the host pushes (src/setup/model.ts) and asks the
// host for actions (add a charger, copy a console line, start the server, point the box over
// telnet). It holds no state of its own beyond the last model; it never sees a token.
import '../zod-config';
import '@vscode-elements/elements/dist/vscode-button/index.js';
import './setup.css';
import { h, clear } from '../dom';
import { renderHomeAssistant } from './home-assistant';
import { setupHostMessageSchema, type SetupBox, type SetupModel, type SetupPageMessage } from '../../src/protocol/setup-messages';

interface VsCodeApi {
  postMessage(message: unknown): void;
}
declare function acquireVsCodeApi(): VsCodeApi;
const vscode = acquireVsCodeApi();
const send = (m: SetupPageMessage) => vscode.postMessage(m);

const app = document.getElementById('app')!;
const status = h('p', { class: 'message', role: 'status', 'data-testid': 'result' });

function button(label: string, testId: string, onClick: () => void, secondary = false): HTMLElement {
  const b = h('vscode-button', { 'data-testid': testId, secondary });
  b.textContent = label;
  b.addEventListener('click', onClick);
  return b;
}

function ago(s: number | undefined): string {
  if (s === undefined) return 'never';
  if (s < 90) return `${s} s ago`;
  if (s < 5400) return `${Math.round(s / 60)} min ago`;
  return `${Math.round(s / 3600)} h ago`;
}

function field(dl: HTMLElement, label: string, value: string | undefined, testId?: string): void {
  dl.append(h('dt', { text: label }), h('dd', { text: value ?? 'unknown', 'data-testid': testId }));
}

function renderSteps(m: SetupModel): HTMLElement {
  const ol = h('ol', { class: 'steps', 'data-testid': 'steps' });
  for (const s of m.steps)
    ol.append(
      h(
        'li',
        { class: s.done ? 'done' : 'todo', 'data-step': s.id, 'data-done': s.done ? 'true' : 'false' },
        h('span', { class: 'mark', 'aria-hidden': 'true', text: s.done ? '✓' : '○' }),
        ` ${s.title}`,
      ),
    );
  return ol;
}

function renderServer(m: SetupModel): HTMLElement {
  const sec = h('section', { class: 'server', 'data-testid': 'server' }, h('h3', { text: 'Local server' }));
  if (m.server.connected) {
    sec.append(
      h('p', {
        text: `Connected to ${m.server.baseUrl ?? 'the local server'}. Boxes report to UDP port ${m.server.udpPort}; ${m.server.datagrams ?? 0} datagrams received so far.`,
      }),
    );
  } else {
    sec.append(h('p', { class: 'message error', role: 'alert', text: m.server.message ?? 'The local server cannot be read.' }));
    if (m.server.nextStep) sec.append(h('p', { class: 'next-step', text: m.server.nextStep }));
  }
  const bar = h('div', { class: 'toolbar' });
  if (m.server.runHere === 'stopped' || m.server.runHere === 'failed')
    bar.append(button('Start the server here', 'start', () => send({ kind: 'command', command: 'start' })));
  if (m.server.runHere === 'running') bar.append(button('Stop the server', 'stop', () => send({ kind: 'command', command: 'stop' }), true));
  if (!m.server.connected) bar.append(button('Connect to a server…', 'connect', () => send({ kind: 'command', command: 'connect' }), true));
  bar.append(button('Show log', 'show-log', () => send({ kind: 'command', command: 'showLog' }), true));
  sec.append(bar);
  return sec;
}

function renderPointing(m: SetupModel): HTMLElement {
  const p = m.pointing;
  const host = p.addresses[0] ?? 'this machine’s address';
  const sec = h(
    'section',
    { class: 'pointing', 'data-testid': 'pointing' },
    h('h3', { text: m.boxes.length ? 'Point another box here' : 'Waiting for the first report' }),
  );
  if (!m.boxes.length)
    sec.append(
      h('p', {
        text: `No report has arrived yet. A JuiceBox sends its reports to the maker’s server until it is pointed at this machine (${host}, UDP port ${p.udpPort}). Use one of these three ways:`,
      }),
    );
  const ol = h('ol', { class: 'ways' });
  const copy = button('Copy', 'copy-udpc', () => send({ kind: 'copy', text: p.udpcLine }), true);
  ol.append(
    h(
      'li',
      {},
      h('strong', { text: 'The box’s console' }),
      ' (no router or DNS access needed): connect to the box on TCP port 2000 (telnet) and type',
      h('div', { class: 'code-line' }, h('code', { 'data-testid': 'udpc-line', text: p.udpcLine }), copy),
      h('span', { class: 'muted', text: 'The setting does not survive every restart of the box: repeat it if reports stop.' }),
      h(
        'div',
        { class: 'toolbar' },
        button('Point it for me over telnet…', 'telnet', () => send({ kind: 'command', command: 'telnet' }), true),
      ),
    ),
    h(
      'li',
      {},
      h('strong', { text: 'A DNS entry' }),
      ` in your router or DNS server: answer ${p.cloudNames.join(' and ')} with ${host}. The box keeps its port (usually 8047), so the server must listen on that port${p.udpPort === 8047 ? ' (it does)' : ` (it listens on ${p.udpPort})`}.`,
    ),
    h(
      'li',
      {},
      h('strong', { text: 'A router rule' }),
      ` (NAT / port forwarding of outgoing traffic): send UDP from the box to port 8047 on to ${host}, port ${p.udpPort}.`,
    ),
  );
  sec.append(ol);
  if (p.addresses.length > 1) sec.append(h('p', { class: 'muted', text: `This machine’s other addresses: ${p.addresses.slice(1).join(', ')}.` }));
  if (m.unattributed.count > 0) {
    sec.append(
      h('p', {
        class: 'message warn',
        'data-testid': 'unattributed',
        text: `${m.unattributed.count} datagram${m.unattributed.count === 1 ? '' : 's'} arrived that were not readable reports of any box (last: ${m.unattributed.recent.slice(-1)[0] ?? 'unknown'}).`,
      }),
    );
  }
  return sec;
}

function renderBox(b: SetupBox): HTMLElement {
  const card = h('section', { class: 'box', 'data-testid': `box-${b.serial}`, 'data-serial': b.serial });
  card.append(h('h3', { text: b.name ? `${b.name} (${b.serial})` : `JuiceBox ${b.serial}` }));
  const dl = h('dl', { class: 'fields' });
  field(dl, 'Serial (unit ID)', b.serial, 'serial');
  field(dl, 'Address', b.address, 'address');
  field(dl, 'Protocol version', b.protocolVersion, 'protocol');
  field(dl, 'Firmware', b.firmware, 'firmware');
  field(dl, 'Report period', b.reportPeriodS !== undefined ? `every ${b.reportPeriodS} s` : undefined, 'period');
  field(dl, 'Readable reports', `${b.reports}, last ${ago(b.lastReportAgoS)}`, 'reports');
  field(dl, 'Obeys this server', b.obey.text, `obey-${b.serial}`);
  card.append(dl);
  (card.querySelector(`[data-testid="obey-${b.serial}"]`) as HTMLElement).dataset.state = b.obey.state;
  for (const p of b.problems) {
    card.append(
      h(
        'div',
        { class: `problem ${p.kind}`, role: 'alert', 'data-testid': `problem-${p.kind}` },
        h('strong', { text: p.title }),
        h('p', { text: p.meaning }),
        h('p', { class: 'next-step', text: `What to do: ${p.remedy}` }),
      ),
    );
  }
  const bar = h('div', { class: 'toolbar' });
  if (b.known && !b.added) bar.append(button('Add this charger', `add-${b.serial}`, () => send({ kind: 'add', serial: b.serial })));
  if (b.added) bar.append(button('Set its current limit…', `limit-${b.serial}`, () => send({ kind: 'command', command: 'setLimit', serial: b.serial }), true));
  if (bar.childElementCount) card.append(bar);
  if (b.known && !b.added && b.owned)
    card.append(h('p', { class: 'muted', text: 'Another account of this server has it already; adding it here gives this account its own access.' }));
  const log = h(
    'details',
    { class: 'debug-log', 'data-testid': `debug-${b.serial}` },
    h('summary', { text: `Debug log (${b.debugLines.length} line${b.debugLines.length === 1 ? '' : 's'})` }),
  );
  log.append(b.debugLines.length ? h('pre', { text: b.debugLines.join('\n') }) : h('p', { class: 'muted', text: 'The box has sent no debug lines.' }));
  card.append(log);
  return card;
}

function render(m: SetupModel): void {
  clear(app);
  app.dataset.phase = m.phase;
  app.append(h('h2', { text: 'Set up your JuiceBox' }), renderSteps(m), renderServer(m));
  if (m.server.connected) {
    for (const b of m.boxes) app.append(renderBox(b));
    app.append(renderPointing(m));
  }
  app.append(status);
  renderHomeAssistant(m.homeAssistant, app, send);
  document.body.dataset.readAt = String(m.readAt);
}

window.addEventListener('message', (ev: MessageEvent) => {
  const parsed = setupHostMessageSchema.safeParse(ev.data);
  if (!parsed.success) {
    console.warn('JuiceNet setup: refused a message from the extension');
    return;
  }
  const msg = parsed.data;
  if (msg.kind === 'model') render(msg.model);
  else {
    status.className = `message ${msg.ok ? 'ok' : 'error'}`;
    status.textContent = msg.message;
  }
});
send({ kind: 'ready' });
