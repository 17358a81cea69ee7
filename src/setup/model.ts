// The setup assistant's page model, built from the local server's diagnostics read and the
// chargers of the connected account: where the owner stands (no server, waiting for the first
// report, a box seen, added, obeying) and, per box, what arrived and what is wrong, in words.
// Pure: no vscode, no I/O; the host (src/setup/panel.ts) feeds it and pushes the result.
import { decodeDatagram } from '../juicebox/codec';
import type { LocalDiagnostics } from '../api/local-contract';
import type { SetupBox, SetupModel, SetupProblem } from '../protocol/setup-messages';

/** The names the boxes were made to report to (a DNS override points one of them here). */
export const CLOUD_REPORT_NAMES = ['juicenet-udp-prod3-usa.enelx.com', 'jbv1.emotorwerks.com'];

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
  /** This machine's network addresses (IPv4 first). */
  addresses: string[];
  /** UDP port to suggest when the server cannot be read (its configured port). */
  fallbackUdpPort: number;
  nowMs: number;
}

function reportFacts(raw: string | undefined): { onlineLimitA?: number; reportIntervalS?: number } {
  if (!raw) return {};
  const d = decodeDatagram(raw);
  return d.kind === 'report' ? { onlineLimitA: d.onlineLimitA, reportIntervalS: d.reportIntervalS } : {};
}

function problemsOf(serial: string, b: LocalDiagnostics['boxes'][string]): SetupProblem[] {
  const out: SetupProblem[] = [];
  if (b.encryptedReports > 0) {
    out.push({
      kind: 'encrypted',
      title: `Encrypted reports (${b.protocolVersion ?? 'v08/v09e'}): ${b.encryptedReports} received`,
      meaning:
        'The box was told by the maker’s directory service to encrypt its reports. Nobody outside the maker can read them, so this server cannot show or control the box while it does.',
      remedy:
        'Block the box’s access to directory-api.emotorwerks.com (a DNS entry pointing it nowhere, or a firewall rule), then restart the box (switch its breaker off and on). It then reports in plain text (v09u or v07).',
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
      title: 'No report lately',
      meaning: 'The box reported before but has been silent for more than two report periods.',
      remedy:
        'Check that it has power and Wi-Fi, and that its reports still reach this machine (a router rule or DNS entry may have been undone; the console setting does not survive every reboot).',
    });
  }
  return out;
}

function obeyOf(known: boolean, added: { limitA?: number } | undefined, reportedA: number | undefined, periodS: number | undefined): SetupBox['obey'] {
  if (!known) return { state: 'not-added', text: 'Waits for a readable status report.' };
  if (!added) return { state: 'not-added', text: 'Add the charger: until then the server answers it with the limit it reports itself.' };
  const sentA = added.limitA;
  if (sentA === undefined || reportedA === undefined)
    return { state: 'unknown', sentA, reportedA, text: 'Not known yet: waiting for a report that carries its limit.' };
  if (sentA === reportedA) return { state: 'obeys', sentA, reportedA, text: `Obeys: it reports the ${reportedA} A limit this server sends.` };
  const next = periodS ? ` A box takes a new limit at its next report (every ${periodS} s).` : '';
  return { state: 'waiting', sentA, reportedA, text: `Not yet: the server sends ${sentA} A, the box still reports ${reportedA} A.${next}` };
}

export function buildSetupModel(i: SetupInput): SetupModel {
  const d = i.diagnostics;
  const udpPort = d?.server.udpPort ?? i.fallbackUdpPort;
  const host = i.addresses[0] ?? '<this machine’s address>';
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
        reportPeriodS: facts.reportIntervalS,
        reports: b.reports,
        lastReportAgoS: b.lastReportS !== undefined ? Math.max(0, Math.round(i.nowMs / 1000 - b.lastReportS)) : undefined,
        online: b.online ?? false,
        known: b.known,
        added: added !== undefined,
        owned: b.known && !d.waitingToBeAdded.includes(serial),
        problems: problemsOf(serial, b),
        obey: obeyOf(b.known, added, facts.onlineLimitA, facts.reportIntervalS),
        debugLines: b.debugLines,
      });
    }
    // Boxes to act on first: readable and not added, then the rest by serial.
    boxes.sort((a, b) => Number(b.known && !b.added) - Number(a.known && !a.added) || a.serial.localeCompare(b.serial));
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
      datagrams: d?.server.datagrams,
    },
    pointing: { addresses: i.addresses, udpPort, udpcLine: `udpc ${host} ${udpPort}`, cloudNames: CLOUD_REPORT_NAMES },
    boxes,
    unattributed: d ? { count: d.unattributed.count, recent: d.unattributed.recent.slice(-5) } : { count: 0, recent: [] },
    readAt: i.nowMs,
  };
}
