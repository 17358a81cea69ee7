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
// The result of the last action: at the top of the page and kept in view while scrolling.
const status = h('p', { class: 'message result', role: 'status', 'data-testid': 'result', hidden: true });
/** What the owner typed or opened, kept across the re-renders of each new model. */
const typedNames = new Map<string, string>();
const openDetails = new Set<string>();
let telnetUnderstood = false;

/** Says the result of an action at the top of the page, in view. */
function showResult(ok: boolean, message: string): void {
  status.hidden = false;
  status.className = `message result ${ok ? 'ok' : 'error'}`;
  status.setAttribute('role', ok ? 'status' : 'alert');
  status.textContent = message;
  status.scrollIntoView({ block: 'nearest' });
}

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

/** A <details> that stays open or closed as the owner left it when the page re-renders. */
function details(testId: string, summary: string | HTMLElement, openByDefault = false): HTMLDetailsElement {
  const d = h('details', { 'data-testid': testId, open: openDetails.has(testId) || (openByDefault && !openDetails.has(`closed:${testId}`)) });
  d.append(h('summary', {}, summary));
  d.addEventListener('toggle', () => {
    openDetails.delete(d.open ? `closed:${testId}` : testId);
    openDetails.add(d.open ? testId : `closed:${testId}`);
  });
  return d;
}

/** Lines to paste, with where they go and a Copy button. */
function pasteBlock(b: { id: string; title: string; where: string; lines: string }, prefix: string): HTMLElement {
  return h(
    'div',
    { class: 'paste', 'data-testid': `${prefix}-${b.id}` },
    h('h5', { text: b.title }),
    h('p', { class: 'muted', text: b.where }),
    h(
      'div',
      { class: 'code-block' },
      h('pre', {}, h('code', { 'data-testid': `${prefix}-${b.id}-lines`, text: b.lines })),
      button('Copy', `copy-${prefix}-${b.id}`, () => send({ kind: 'copy', text: b.lines }), true),
    ),
  );
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

function portsText(ports: number[] | undefined, one: number | undefined): string {
  const list = ports?.length ? ports : one !== undefined ? [one] : [];
  return list.length > 1 ? `UDP ports ${list.slice(0, -1).join(', ')} and ${list[list.length - 1]}` : `UDP port ${list[0] ?? 'unknown'}`;
}

function renderServer(m: SetupModel): HTMLElement {
  const sec = h('section', { class: 'server', 'data-testid': 'server' }, h('h3', { text: 'Local server' }));
  if (m.server.connected) {
    const n = m.server.messages ?? 0;
    sec.append(
      h('p', {
        'data-testid': 'server-summary',
        text: `Connected to ${m.server.baseUrl ?? 'the local server'}. It listens for JuiceBoxes on ${portsText(m.server.udpPorts, m.server.udpPort)}; ${n} message${n === 1 ? '' : 's'} from boxes so far.`,
      }),
    );
    for (const p of m.server.portProblems ?? []) sec.append(h('p', { class: 'message warn', 'data-testid': 'port-problem', text: p }));
  } else {
    sec.append(h('p', { class: 'message error', role: 'alert', text: m.server.message ?? 'The local server cannot be read.' }));
    if (m.server.nextStep) sec.append(h('p', { class: 'next-step', text: m.server.nextStep }));
  }
  const bar = h('div', { class: 'toolbar' });
  // Starting a server here is the main action only while no server answers.
  if (!m.server.connected && (m.server.runHere === 'stopped' || m.server.runHere === 'failed'))
    bar.append(button('Start the server here', 'start', () => send({ kind: 'command', command: 'start' })));
  if (m.server.runHere === 'running') bar.append(button('Stop the server', 'stop', () => send({ kind: 'command', command: 'stop' }), true));
  if (!m.server.connected) bar.append(button('Connect to a server…', 'connect', () => send({ kind: 'command', command: 'connect' }), true));
  bar.append(button('Show log', 'show-log', () => send({ kind: 'command', command: 'showLog' }), true));
  sec.append(bar);
  return sec;
}

function renderAddress(p: SetupModel['pointing']): HTMLElement {
  if (p.addresses.length <= 1)
    return h('p', { 'data-testid': 'address-line' }, 'This machine’s address on your network: ', h('strong', { text: p.address }), '.');
  const select = h('select', { id: 'address', 'data-testid': 'address' });
  for (const a of p.addresses) select.append(h('option', { value: a, text: a, selected: a === p.address }));
  select.addEventListener('change', () => send({ kind: 'pickAddress', address: select.value }));
  return h(
    'p',
    { 'data-testid': 'address-line' },
    h('label', { for: 'address', text: 'This machine has several addresses. The boxes’ network reaches it at ' }),
    select,
    ' (the lines below use it).',
  );
}

function renderCheck(p: SetupModel['pointing']): HTMLElement {
  const box = h('div', { class: 'check', 'data-testid': 'dns-check' });
  box.append(
    h(
      'div',
      { class: 'toolbar' },
      button('Check these names', 'check-dns', () => {
        showResult(true, 'Asking this computer’s resolver…');
        send({ kind: 'checkDns' });
      }),
      h('span', { class: 'muted', text: 'Asks this computer’s DNS resolver what each name answers, and says whether it points here.' }),
    ),
  );
  const c = p.check;
  if (!c) return box;
  const ul = h('ul', { class: 'check-results', 'data-testid': 'dns-check-results' });
  for (const n of c.names)
    ul.append(
      h(
        'li',
        { class: `verdict ${n.verdict}`, 'data-host': n.host, 'data-verdict': n.verdict },
        h('span', { class: 'mark', 'aria-hidden': 'true', text: n.verdict === 'here' ? '✓' : '✗' }),
        ' ',
        h('code', { text: n.host }),
        ` ${n.text}.`,
      ),
    );
  ul.append(
    h(
      'li',
      { class: `verdict ${c.directory.blocked ? 'here' : 'elsewhere'}`, 'data-host': c.directory.host, 'data-testid': 'dns-check-directory' },
      h('span', { class: 'mark', 'aria-hidden': 'true', text: c.directory.blocked ? '✓' : '!' }),
      ' The directory service ',
      h('code', { text: c.directory.host }),
      ` ${c.directory.text}.`,
    ),
  );
  box.append(ul, h('p', { class: c.allHere ? 'summary ok' : 'summary', 'data-testid': 'dns-check-summary', text: c.summary }));
  return box;
}

function renderPointing(m: SetupModel): HTMLElement {
  const p = m.pointing;
  const sec = h(
    'section',
    { class: 'pointing', 'data-testid': 'pointing' },
    h('h3', { text: m.boxes.length ? 'Point another box here' : 'Point your box here' }),
  );
  sec.append(
    h('p', {
      text: `${m.boxes.length ? '' : 'Nothing has arrived from a JuiceBox yet. '}A JuiceBox sends its reports to one of the maker’s names. The reliable ways to bring them here are, first, to answer that name with this machine’s address in your network’s DNS, or else to forward the box’s traffic on your router. The box’s own console is the last resort.`,
    }),
    renderAddress(p),
  );

  // 1. DNS
  const dns = h('div', { class: 'way', 'data-testid': 'way-dns' }, h('h4', { text: '1. Answer the box’s names with this machine (DNS)' }));
  const table = h(
    'table',
    { class: 'names', 'data-testid': 'names' },
    h('tr', {}, h('th', { text: 'Name' }), h('th', { text: 'Port' }), h('th', { text: 'Used by' })),
  );
  for (const n of p.names)
    table.append(h('tr', { 'data-host': n.host }, h('td', {}, h('code', { text: n.host })), h('td', { text: String(n.port) }), h('td', { text: n.who })));
  const missing = [...new Set(p.names.filter((n) => !n.listening).map((n) => n.port))];
  dns.append(
    table,
    ...(missing.length
      ? [
          h('p', {
            class: 'message warn',
            'data-testid': 'ports-missing',
            text: `The server does not listen on ${missing.length === 1 ? 'port' : 'ports'} ${missing.join(', ')}: a box pointed by DNS keeps its port, so start the server on every port above (its default).`,
          }),
        ]
      : []),
    h('p', {
      text: 'The box keeps its port, so the server answers it on the very stream it reports on. Add the lines for your DNS server, then restart the box (switch its breaker off and on) so it looks the name up again.',
    }),
  );
  for (const b of p.dns) dns.append(pasteBlock(b, 'dns'));
  dns.append(renderCheck(p));

  // 2. Router
  const fwd = h(
    'div',
    { class: 'way', 'data-testid': 'way-forwarding' },
    h('h4', { text: '2. Or forward the box’s traffic on your router' }),
    h('p', { text: 'If you cannot change your DNS, a rule on the router sends the boxes’ UDP reports (on the ports above) to this machine.' }),
  );
  for (const b of p.forwarding) fwd.append(pasteBlock(b, 'fwd'));

  // 3. The console, last, behind an explicit "I understand".
  const telnet = details('way-telnet', h('strong', { text: '3. Last resort: the box’s console (telnet)' }));
  const risks = h('ul', { class: 'risks', 'data-testid': 'telnet-risks' });
  for (const r of p.telnetRisks) risks.append(h('li', { text: r }));
  const understood = h('input', { type: 'checkbox', id: 'telnet-understood', 'data-testid': 'telnet-understood', checked: telnetUnderstood });
  const go = button('Point it over telnet…', 'telnet', () => {
    if (telnetUnderstood) send({ kind: 'command', command: 'telnet' });
  });
  go.toggleAttribute('disabled', !telnetUnderstood);
  understood.addEventListener('change', () => {
    telnetUnderstood = understood.checked;
    go.toggleAttribute('disabled', !telnetUnderstood);
  });
  telnet.append(
    h('p', { text: 'Use it only when neither DNS nor the router can be changed. Known problems:' }),
    risks,
    h('p', { text: 'On the box’s console (TCP port 2000) the line is:' }),
    h(
      'div',
      { class: 'code-line' },
      h('code', { 'data-testid': 'udpc-line', text: p.udpcLine }),
      button('Copy', 'copy-udpc', () => send({ kind: 'copy', text: p.udpcLine }), true),
    ),
    h('label', { class: 'understood' }, understood, ' I understand these risks'),
    h('div', { class: 'toolbar' }, go),
  );
  sec.append(dns, fwd, telnet);
  if (m.unattributed.count > 0) {
    sec.append(
      h('p', {
        class: 'message warn',
        'data-testid': 'unattributed',
        text: `${m.unattributed.count} message${m.unattributed.count === 1 ? '' : 's'} arrived that ${m.unattributed.count === 1 ? 'was' : 'were'} not a report from a JuiceBox (the last one: ${m.unattributed.recent.slice(-1)[0] ?? 'unknown'}).`,
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
  if (b.udpPort !== undefined) field(dl, 'Reports to port', `UDP ${b.udpPort}`, 'port');
  field(dl, 'Protocol version', b.protocolVersion, 'protocol');
  field(dl, 'Firmware', b.firmware, 'firmware');
  field(dl, 'Report period', b.reportPeriodS !== undefined ? `every ${b.reportPeriodS} s` : undefined, 'period');
  field(dl, 'Reports received', `${b.reports}, the last ${ago(b.lastReportAgoS)}`, 'reports');
  field(dl, 'Obeys this server', b.obey.text, `obey-${b.serial}`);
  card.append(dl);
  (card.querySelector(`[data-testid="obey-${b.serial}"]`) as HTMLElement).dataset.state = b.obey.state;
  for (const p of b.problems) {
    const div = h(
      'div',
      { class: `problem ${p.kind}`, role: 'alert', 'data-testid': `problem-${p.kind}` },
      h('strong', { text: p.title }),
      h('p', { text: p.meaning }),
      h('p', { class: 'next-step', text: `What to do: ${p.remedy}` }),
    );
    if (p.lines)
      div.append(
        h(
          'div',
          { class: 'code-block' },
          h('pre', {}, h('code', { text: p.lines })),
          button('Copy', `copy-${p.kind}-${b.serial}`, () => send({ kind: 'copy', text: p.lines! }), true),
        ),
      );
    card.append(div);
  }
  if (b.known && !b.added) card.append(renderAdd(b));
  if (b.added)
    card.append(
      h(
        'div',
        { class: 'toolbar' },
        button('Set its current limit…', `limit-${b.serial}`, () => send({ kind: 'command', command: 'setLimit', serial: b.serial }), true),
      ),
    );
  if (b.known && !b.added && b.owned)
    card.append(h('p', { class: 'muted', text: 'Another account of this server has it already; adding it here gives this account its own access.' }));
  const log = details(`debug-${b.serial}`, `Debug log (${b.debugLines.length} line${b.debugLines.length === 1 ? '' : 's'})`);
  log.classList.add('debug-log');
  log.append(b.debugLines.length ? h('pre', { text: b.debugLines.join('\n') }) : h('p', { class: 'muted', text: 'The box has sent no debug lines.' }));
  card.append(log);
  return card;
}

/** "Add this charger" asks for the name it gets in the Chargers view. */
function renderAdd(b: SetupBox): HTMLElement {
  const id = `name-${b.serial}`;
  const input = h('input', { type: 'text', id, 'data-testid': id, maxlength: 100, placeholder: 'e.g. Garage', value: typedNames.get(b.serial) ?? '' });
  const error = h('span', { class: 'field-error', 'data-testid': `name-error-${b.serial}` });
  const add = () => {
    const name = input.value.trim();
    if (!name) {
      error.textContent = 'Give the charger a name first (it is shown in the Chargers view).';
      input.focus();
      return;
    }
    error.textContent = '';
    send({ kind: 'add', serial: b.serial, name });
  };
  input.addEventListener('input', () => {
    typedNames.set(b.serial, input.value);
    if (input.value.trim()) error.textContent = '';
  });
  input.addEventListener('keydown', (e) => {
    if (e.key === 'Enter') add();
  });
  return h(
    'div',
    { class: 'add' },
    h('label', { for: id, text: 'Name for this charger' }),
    h('div', { class: 'toolbar' }, input, button('Add this charger', `add-${b.serial}`, add)),
    error,
  );
}

function render(m: SetupModel): void {
  // The new page replaces the old one: keep the focus (and the caret) where the owner left it.
  const focused = document.activeElement as HTMLElement | null;
  const focusId = focused?.dataset?.testid;
  const caret = focused instanceof HTMLInputElement ? [focused.selectionStart, focused.selectionEnd] : undefined;
  clear(app);
  app.dataset.phase = m.phase;
  app.append(h('h2', { text: 'Set up your JuiceBox' }), status, renderSteps(m), renderServer(m));
  if (m.server.connected) {
    if (!m.boxes.length) app.append(renderPointing(m));
    for (const b of m.boxes) app.append(renderBox(b));
    if (m.boxes.length) app.append(renderPointing(m));
  }
  renderHomeAssistant(m.homeAssistant, app, send, button);
  document.body.dataset.readAt = String(m.readAt);
  if (focusId) {
    const again = app.querySelector<HTMLElement>(`[data-testid="${CSS.escape(focusId)}"]`);
    again?.focus();
    if (again instanceof HTMLInputElement && caret && caret[0] !== null) again.setSelectionRange(caret[0], caret[1]);
  }
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
    showResult(msg.ok, msg.message);
    status.dataset.action = msg.action;
  }
});
send({ kind: 'ready' });
