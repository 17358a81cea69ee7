// The setup assistant's page model, built from the local server's diagnostics read and the
// chargers of the connected account: where the owner stands (no server, waiting for the first
// report, a box seen, added, obeying) and, per box, what arrived and what is wrong, in words.
// Pure: no vscode, no I/O; the host (src/setup/panel.ts) feeds it and pushes the result.
import { decodeDatagram } from '../juicebox/codec';
import type { LocalDiagnostics } from '../api/local-contract';
import type { SetupBox, SetupModel, SetupProblem } from '../protocol/setup-messages';
import { machineTimeZone, whenText } from '../domain/time-zone';
import {
  BOX_REPORT_NAMES,
  BOX_REPORT_PORTS,
  DIRECTORY_SERVICE,
  NEWER_FIRMWARE_PORT,
  directoryBlockLines,
  dnsBlocks,
  forwardingBlocks,
  isPrivateIPv4,
  networkOf,
  type DnsCheck,
  type MachineAddress,
} from './pointing';

/** Why the box's console is the last way to point it, in words. */
export const TELNET_RISKS = [
  'Some boxes pointed this way stop answering (on the network and on their console) after some weeks, until their power is switched off and on.',
  'Some boxes keep reporting after the change but ignore the commands sent back on the redirected stream, so the server cannot set their limit.',
  'The setting does not survive every restart of the box: it has to be repeated when reports stop.',
];

export interface SetupInput {
  diagnostics?: LocalDiagnostics;
  /** Why the diagnostics could not be read (when `diagnostics` is absent). */
  error?: { message: string; nextStep: string };
  /** No local server account is connected in the editor. */
  notConnected?: boolean;
  baseUrl?: string;
  runHere: SetupModel['server']['runHere'];
  /** The connected account's chargers: unit id -> name and the limit the server holds for it. */
  accountUnits: ReadonlyMap<string, { name: string; limitA?: number }>;
  /** This machine's network addresses (private IPv4 first). */
  addresses: MachineAddress[];
  /** The address the owner picked for the lines (when this machine has several). */
  chosenAddress?: string;
  /** What this machine's resolver answered for the boxes' names, when checked. */
  dnsCheck?: DnsCheck;
  /** UDP port to suggest when the server cannot be read (its configured port). */
  fallbackUdpPort: number;
  nowMs: number;
}

function reportFacts(raw: string | undefined): { onlineLimitA?: number; reportIntervalS?: number } {
  if (!raw) return {};
  const d = decodeDatagram(raw);
  return d.kind === 'report' ? { onlineLimitA: d.onlineLimitA, reportIntervalS: d.reportIntervalS } : {};
}

/** "14:05" (the day too when not today), in this machine's time (the local server's boxes' fallback zone), by the one local-time function. */
function since(epochS: number, nowMs: number): string {
  return whenText(machineTimeZone(), epochS, nowMs / 1000);
}

function problemsOf(serial: string, b: LocalDiagnostics['boxes'][string], nowMs: number): SetupProblem[] {
  const out: SetupProblem[] = [];
  if (b.encryptedReports > 0) {
    out.push({
      kind: 'encrypted',
      title: `Encrypted reports (${b.protocolVersion ?? 'v08/v09e'}): ${b.encryptedReports} received`,
      meaning:
        'The box was told by the maker’s directory service to encrypt its reports. Nobody outside the maker can read them, so this server cannot show or control the box while it does.',
      remedy: `Block the directory service: keep the box from reaching ${DIRECTORY_SERVICE} (add the lines below to your DNS server, or a firewall rule on the router), then restart the box (switch its breaker off and on). It then reports in plain text (v09u or v07).`,
      lines: directoryBlockLines(),
    });
  }
  if (b.udpPort === NEWER_FIRMWARE_PORT || /volti/i.test(b.firmware ?? '')) {
    out.push({
      kind: 'newer-firmware',
      title: 'Newer firmware (reports on port 8055)',
      meaning:
        'This box runs the firmware some boxes were moved to in 2025: it reports to ohm.voltie.us on UDP port 8055 and obeys only the replies on that same stream.',
      remedy:
        'Keep it on port 8055: answer ohm.voltie.us with this machine’s address (the DNS lines above), or forward port 8055 here. Do not move it to another port over its console: replies on a redirected stream are ignored.',
    });
  }
  if (b.ignoring) {
    out.push({
      kind: 'not-obeying',
      title: `Does not obey: it kept reporting another limit than the one sent${b.ignoredReports ? ` (${b.ignoredReports} reports)` : ''}`,
      meaning:
        'The server has been sending a limit for several reports and the box still reports its own. The usual causes: the replies reach it on another stream than the one it reports on (a console redirect, a second server or proxy answering too), or its firmware ignores this server.',
      remedy:
        'Point the box with a DNS entry or a router rule rather than its console, make sure only this server answers it, then restart the box. Its Debug log below may show “Miss CRC”.',
    });
  }
  if (b.monitorOnly) {
    out.push({
      kind: 'monitor-only',
      title: 'Monitor only',
      meaning: 'The server records this box’s reports and shows them, but sends it no command: its limits stay as the box has them.',
      remedy: 'Nothing, if that is what you want. To control it, turn monitor-only off for this box on the server.',
    });
  }
  if (b.checksumFailures > 0) {
    out.push({
      kind: 'checksum',
      title: `${b.checksumFailures} report${b.checksumFailures === 1 ? '' : 's'} with a wrong checksum`,
      meaning:
        'These reports arrived damaged (their checksum did not match) and were ignored; nothing in them was used. A few on a weak Wi-Fi link are normal.',
      remedy: 'If they keep coming, improve the box’s Wi-Fi signal, and check that no other program sends to this UDP port.',
    });
  }
  if (b.missCrc > 0) {
    out.push({
      kind: 'miss-crc',
      title: `The box logged “Miss CRC” ${b.missCrc} time${b.missCrc === 1 ? '' : 's'}`,
      meaning:
        'The box refused a reply because its checksum did not match: it then ignores that command. If every reply is refused, the box runs on its offline limit after about 5 minutes without a good one.',
      remedy:
        'Make sure only this server answers the box: no second server, proxy or cloud address still receiving its reports. Occasional ones on a weak link are harmless.',
    });
  }
  if (b.refusedFromOtherAddress > 0) {
    out.push({
      kind: 'other-address',
      title: `${b.refusedFromOtherAddress} report${b.refusedFromOtherAddress === 1 ? '' : 's'} for this box from another address`,
      meaning: `Reports with serial ${serial} came from an address other than the one it first reported from (${b.firstAddress ?? 'unknown'}) and were refused, so nobody can impersonate the box.`,
      remedy: 'If the box’s address changed (DHCP), give it a fixed address in your router, or start the server with --allow-address-change.',
    });
  }
  if (b.known && b.online === false) {
    out.push({
      kind: 'offline',
      title: b.unreachable
        ? `${b.unreachable[0].toUpperCase()}${b.unreachable.slice(1)}`
        : b.unreachableSinceS !== undefined
          ? `Unreachable since ${since(b.unreachableSinceS, nowMs)}`
          : 'No report lately',
      meaning: 'The box reported before but has been silent for more than two report periods.',
      remedy:
        'Check that it has power and Wi-Fi, and that its reports still reach this machine (a router rule or DNS entry may have been undone; the console setting does not survive every reboot).',
    });
  }
  return out;
}

function obeyOf(
  b: LocalDiagnostics['boxes'][string],
  added: { limitA?: number } | undefined,
  reportedA: number | undefined,
  periodS: number | undefined,
): SetupBox['obey'] {
  const known = b.known;
  if (!known) return { state: 'not-added', text: 'Waits for a status report it can read.' };
  if (b.monitorOnly) return { state: 'unknown', reportedA, text: 'Monitor only: the server sends it no command.' };
  if (!added) return { state: 'not-added', text: 'Add the charger: until then the server answers it with the limit it reports itself.' };
  const sentA = added.limitA;
  if (sentA === undefined || reportedA === undefined)
    return { state: 'unknown', sentA, reportedA, text: 'Not known yet: waiting for a report that carries its limit.' };
  if (sentA === reportedA) return { state: 'obeys', sentA, reportedA, text: `Obeys: it reports the ${reportedA} A limit this server sends.` };
  if (b.ignoring) return { state: 'waiting', sentA, reportedA, text: `Does not obey: the server sends ${sentA} A, the box keeps reporting ${reportedA} A.` };
  const next = periodS ? ` A box takes a new limit at its next report (every ${periodS} s).` : '';
  return { state: 'waiting', sentA, reportedA, text: `Not yet: the server sends ${sentA} A, the box still reports ${reportedA} A.${next}` };
}

export function buildSetupModel(i: SetupInput): SetupModel {
  const d = i.diagnostics;
  const udpPort = d?.server.udpPort ?? i.fallbackUdpPort;
  const udpPorts = d?.server.udpPorts?.length ? d.server.udpPorts : [udpPort];
  const choices = i.addresses.map((a) => a.address);
  const chosen = i.addresses.find((a) => a.address === i.chosenAddress) ?? i.addresses.find((a) => isPrivateIPv4(a.address)) ?? i.addresses[0];
  const host = chosen?.address ?? '<this machine’s address>';
  const boxes: SetupBox[] = [];
  if (d) {
    for (const [serial, b] of Object.entries(d.boxes)) {
      const facts = reportFacts(b.lastRawReport);
      const added = i.accountUnits.get(serial);
      boxes.push({
        serial,
        name: added?.name,
        address: b.address ?? b.firstAddress,
        protocolVersion: b.protocolVersion,
        firmware: b.firmware,
        udpPort: b.udpPort,
        reportPeriodS: facts.reportIntervalS,
        reports: b.reports,
        lastReportAgoS: b.lastReportS !== undefined ? Math.max(0, Math.round(i.nowMs / 1000 - b.lastReportS)) : undefined,
        online: b.online ?? false,
        known: b.known,
        added: added !== undefined,
        owned: b.known && !d.waitingToBeAdded.includes(serial),
        problems: problemsOf(serial, b, i.nowMs),
        obey: obeyOf(b, added, facts.onlineLimitA, facts.reportIntervalS),
        debugLines: b.debugLines,
      });
    }
    // A stable order (by serial): a card stays where it is when its box is added or changes.
    boxes.sort((a, b) => a.serial.localeCompare(b.serial));
  }
  const anyKnown = boxes.some((b) => b.known);
  const anyAdded = boxes.some((b) => b.added);
  const anyObeys = boxes.some((b) => b.obey.state === 'obeys');
  const phase: SetupModel['phase'] = !d ? 'no-server' : anyObeys ? 'obeys' : anyAdded ? 'added' : boxes.length > 0 ? 'seen' : 'waiting';
  return {
    phase,
    steps: [
      { id: 'server', title: 'A local server answers', done: !!d },
      { id: 'report', title: 'A box’s reports arrive', done: anyKnown },
      { id: 'added', title: 'The charger is added', done: anyAdded },
      { id: 'obeys', title: 'The charger obeys this server', done: anyObeys },
    ],
    server: {
      connected: !!d,
      baseUrl: i.baseUrl,
      message: i.notConnected ? 'Not connected to a local JuiceNet server.' : i.error?.message,
      nextStep: i.notConnected ? 'Start one here, or connect to one that runs as a service.' : i.error?.nextStep,
      runHere: i.runHere,
      udpPort: d?.server.udpPort,
      udpPorts: d ? udpPorts : undefined,
      portProblems: d?.server.ports?.filter((p) => !p.listening).map((p) => p.error ?? `UDP port ${p.requested} does not listen.`),
      messages: d?.server.datagrams,
    },
    pointing: {
      addresses: choices,
      address: host,
      udpPort,
      names: BOX_REPORT_NAMES.map((n) => ({ ...n, listening: udpPorts.includes(n.port) })),
      dns: dnsBlocks(host),
      forwarding: forwardingBlocks(host, networkOf(chosen?.cidr), d ? udpPorts : BOX_REPORT_PORTS),
      check: i.dnsCheck,
      udpcLine: `udpc ${host} ${udpPort}`,
      telnetRisks: TELNET_RISKS,
    },
    boxes,
    unattributed: d ? { count: d.unattributed.count, recent: d.unattributed.recent.slice(-5) } : { count: 0, recent: [] },
    readAt: i.nowMs,
  };
}
