// Pointing a JuiceBox at this machine, the reliable ways first: the host names the boxes report to
// (a DNS override answers them with this machine's address), the router rules that forward the
// boxes' UDP here, and what this machine's resolver answers for those names. Pure: no vscode, no
// I/O (the resolver is passed in), so the page model and its tests share it.

import { JUICEBOX_UDP_PORTS } from '../domain/local-ports';

/** A name a JuiceBox sends its UDP reports to, with the port it uses. */
export interface BoxReportName {
  host: string;
  port: number;
  /** Which boxes use it, in words. */
  who: string;
}

/** The names boxes are known to report to (see the README's "Point a box here"). */
export const BOX_REPORT_NAMES: readonly BoxReportName[] = [
  { host: 'juicenet-udp-prod3-usa.enelx.com', port: 8047, who: 'most JuiceBoxes' },
  { host: 'juicenet-udp-prod4-exw.enelx.com', port: 8042, who: 'older JuiceBoxes (jbv1.emotorwerks.com is another name for it)' },
  { host: 'jbv1.emotorwerks.com', port: 8042, who: 'older JuiceBoxes' },
  { host: 'ohm.voltie.us', port: 8055, who: 'boxes moved to the newer (VoltiE) firmware in 2025' },
];

/** Every UDP port JuiceBoxes are known to report to (9004 on some boxes, under no known name). */
export const BOX_REPORT_PORTS: readonly number[] = [...JUICEBOX_UDP_PORTS].sort((a, b) => a - b);

/** The maker's directory service: a box that reaches it may be told to encrypt its reports. */
export const DIRECTORY_SERVICE = 'directory-api.emotorwerks.com';

/** The port of the newer firmware's backend. */
export const NEWER_FIRMWARE_PORT = 8055;

/** One of this machine's network addresses, with its network when known. */
export interface MachineAddress {
  address: string;
  /** `192.168.1.20/24` */
  cidr?: string;
  /** The interface's name (`eth0`, `wlan0`). */
  iface?: string;
}

export function isPrivateIPv4(ip: string): boolean {
  return /^(10\.|192\.168\.|172\.(1[6-9]|2\d|3[01])\.)/.test(ip);
}

/** The network of an address in CIDR form: `192.168.1.20/24` -> `192.168.1.0/24`. */
export function networkOf(cidr: string | undefined): string | undefined {
  const m = /^(\d+)\.(\d+)\.(\d+)\.(\d+)\/(\d+)$/.exec(cidr ?? '');
  if (!m) return undefined;
  const bits = Number(m[5]);
  if (bits < 8 || bits > 32) return undefined;
  const ip = m.slice(1, 5).reduce((a, o) => a * 256 + Number(o), 0);
  const mask = bits === 32 ? 0xffffffff : (0xffffffff << (32 - bits)) >>> 0;
  const net = (ip & mask) >>> 0;
  return `${[24, 16, 8, 0].map((s) => (net >>> s) & 255).join('.')}/${bits}`;
}

/** A block of lines to paste, with where they go. */
export interface PasteBlock {
  id: string;
  title: string;
  /** Where the lines go and what to do after, in words. */
  where: string;
  lines: string;
}

/** DNS entries answering the boxes' names with `address`: dnsmasq / Pi-hole, OpenWrt, a hosts file. */
export function dnsBlocks(address: string, names: readonly BoxReportName[] = BOX_REPORT_NAMES): PasteBlock[] {
  const hosts = [...new Set(names.map((n) => n.host))];
  return [
    {
      id: 'dnsmasq',
      title: 'dnsmasq or Pi-hole',
      where:
        'Put these lines in a file such as /etc/dnsmasq.d/juicebox.conf on the machine that answers DNS for your network, then restart dnsmasq. On Pi-hole, the same file (Pi-hole 6: first turn on misc.etc_dnsmasq_d under Settings › All settings), or each name under Local DNS › DNS Records.',
      lines: hosts.map((h) => `address=/${h}/${address}`).join('\n'),
    },
    {
      id: 'openwrt',
      title: 'OpenWrt router',
      where: 'Run these on the router (over SSH); they survive a reboot.',
      lines: [...hosts.map((h) => `uci add_list dhcp.@dnsmasq[0].address='/${h}/${address}'`), 'uci commit dhcp', '/etc/init.d/dnsmasq restart'].join('\n'),
    },
    {
      id: 'hosts',
      title: 'Hosts-file style',
      where:
        'For a DNS server that takes host entries (dnsmasq’s addn-hosts file, AdGuard Home’s DNS rewrites, a router’s “static DNS” page). It goes on the DNS server the box uses, not on this computer.',
      lines: `${address} ${hosts.join(' ')}`,
    },
  ];
}

/** DNS entries that keep the box from reaching the maker's directory service (encrypted firmware). */
export function directoryBlockLines(): string {
  return [`address=/${DIRECTORY_SERVICE}/`, `# hosts-file style: 0.0.0.0 ${DIRECTORY_SERVICE}`].join('\n');
}

/**
 * Router rules that send the boxes' UDP (leaving the local network for the known ports) to this
 * machine. The replies must go back through the router (masquerade): the box takes a reply only
 * from the address it sent to. Ports the server does not listen on are all sent to its first port.
 */
export function forwardingBlocks(address: string, network: string | undefined, serverPorts: readonly number[]): PasteBlock[] {
  const lan = network ?? `${address.split('.').slice(0, 3).join('.')}.0/24`;
  const keepPorts = BOX_REPORT_PORTS.every((p) => serverPorts.includes(p));
  const to = keepPorts ? address : `${address}:${serverPorts[0] ?? 8047}`;
  const nftPorts = `{ ${BOX_REPORT_PORTS.join(', ')} }`;
  const afterPorts = keepPorts ? nftPorts : String(serverPorts[0] ?? 8047);
  const ipt = BOX_REPORT_PORTS.join(',');
  const portNote = keepPorts
    ? 'Each box keeps its port: the server listens on all of them.'
    : `The server listens only on ${serverPorts.join(', ') || 'one port'}: every box is sent to port ${serverPorts[0] ?? 8047}.`;
  return [
    {
      id: 'nftables',
      title: 'nftables (OpenWrt 22 and later, most Linux routers)',
      where: `Run as root on the router. ${portNote} The second rule sends the replies back through the router: the box takes a reply only from the address it sent to.`,
      lines: [
        'nft add table ip juicebox',
        "nft 'add chain ip juicebox prerouting { type nat hook prerouting priority dstnat; }'",
        "nft 'add chain ip juicebox postrouting { type nat hook postrouting priority srcnat; }'",
        `nft 'add rule ip juicebox prerouting ip saddr ${lan} ip daddr != ${lan} udp dport ${nftPorts} dnat to ${to}'`,
        `nft 'add rule ip juicebox postrouting ip saddr ${lan} ip daddr ${address} udp dport ${afterPorts} masquerade'`,
      ].join('\n'),
    },
    {
      id: 'iptables',
      title: 'iptables (older routers)',
      where: `Run as root on the router. ${portNote} The second rule sends the replies back through the router.`,
      lines: [
        `iptables -t nat -A PREROUTING -s ${lan} ! -d ${lan} -p udp -m multiport --dports ${ipt} -j DNAT --to-destination ${to}`,
        `iptables -t nat -A POSTROUTING -s ${lan} -d ${address} -p udp -m multiport --dports ${keepPorts ? ipt : (serverPorts[0] ?? 8047)} -j MASQUERADE`,
      ].join('\n'),
    },
  ];
}

/** What a resolver answered for one name: its addresses, or the error's code. */
export type Lookup = (host: string) => Promise<{ address: string; family: number }[]>;

export interface NameCheck {
  host: string;
  port: number;
  verdict: 'here' | 'elsewhere' | 'none' | 'error';
  addresses: string[];
  text: string;
}

export interface DnsCheck {
  atMs: number;
  names: NameCheck[];
  /** Whether the maker's directory service is blocked (what keeps a box on plain reports). */
  directory: { host: string; blocked: boolean; text: string };
  /** Every name points at this machine. */
  allHere: boolean;
  summary: string;
}

const NO_NAME = new Set(['ENOTFOUND', 'ENODATA', 'EAI_NONAME', 'EAI_NODATA']);

/** A lookup that gives up after `ms` (a resolver that does not answer must not hold the check). */
function within<T>(p: Promise<T>, ms: number): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(Object.assign(new Error('no answer in time'), { code: 'ETIMEOUT' })), ms);
  });
  return Promise.race([p, late]).finally(() => clearTimeout(timer));
}

/** Asks `lookup` for every name and says, in words, whether each points at `here` (this machine's addresses). */
export async function checkNames(
  lookup: Lookup,
  here: readonly string[],
  nowMs: number,
  names: readonly BoxReportName[] = BOX_REPORT_NAMES,
  timeoutMs = 5000,
): Promise<DnsCheck> {
  const checks = await Promise.all(
    names.map(async (n): Promise<NameCheck> => {
      try {
        const addresses = [...new Set((await within(lookup(n.host), timeoutMs)).map((a) => a.address))];
        const mine = addresses.filter((a) => here.includes(a));
        if (mine.length > 0) return { host: n.host, port: n.port, verdict: 'here', addresses, text: `points here (${mine.join(', ')})` };
        if (addresses.length === 0) return { host: n.host, port: n.port, verdict: 'none', addresses, text: 'has no address' };
        const loop = addresses.every((a) => a.startsWith('127.') || a === '::1');
        return {
          host: n.host,
          port: n.port,
          verdict: 'elsewhere',
          addresses,
          text: loop
            ? `answers ${addresses.join(', ')}: that is “this computer” to each device, so a box would send to itself. Answer it with this machine’s network address instead`
            : `points elsewhere (${addresses.join(', ')}), not at this machine`,
        };
      } catch (e) {
        const code = (e as { code?: string }).code ?? '';
        if (NO_NAME.has(code)) return { host: n.host, port: n.port, verdict: 'none', addresses: [], text: 'is not known to this resolver (no address)' };
        return {
          host: n.host,
          port: n.port,
          verdict: 'error',
          addresses: [],
          text: code === 'ETIMEOUT' || code === 'EAI_AGAIN' ? 'got no answer (the DNS server did not reply in time)' : 'could not be looked up',
        };
      }
    }),
  );
  const directory = await checkDirectory(lookup, timeoutMs);
  const hereCount = checks.filter((c) => c.verdict === 'here').length;
  const allHere = hereCount === checks.length;
  const summary = allHere
    ? 'Every name points at this machine on this computer’s resolver. If the box uses the same DNS server, restart the box (its breaker off and on) so it looks the name up again.'
    : hereCount > 0
      ? `${hereCount} of ${checks.length} names point at this machine. A box uses one of them: add the missing lines if your box may use another.`
      : 'None of these names points at this machine yet on this computer’s resolver. Add the lines above to your DNS server, then check again.';
  return {
    atMs: nowMs,
    names: checks,
    directory,
    allHere,
    summary: `${summary} This computer may ask another DNS server than the box does (a VPN, a DNS server set on this computer): the box’s own reports are the final word.`,
  };
}

/** Whether the directory service answers: blocked (no address, or 0.0.0.0) keeps a box on plain reports. */
async function checkDirectory(lookup: Lookup, timeoutMs: number): Promise<DnsCheck['directory']> {
  const host = DIRECTORY_SERVICE;
  try {
    const addresses = (await within(lookup(host), timeoutMs)).map((a) => a.address).filter((a) => a !== '0.0.0.0' && a !== '::');
    if (addresses.length === 0) return { host, blocked: true, text: 'is blocked: a box cannot be told to encrypt its reports' };
    return {
      host,
      blocked: false,
      text: `answers (${addresses.join(', ')}): a box may be told to encrypt its reports. Block it if one of your boxes reports encrypted`,
    };
  } catch (e) {
    if (NO_NAME.has((e as { code?: string }).code ?? '')) return { host, blocked: true, text: 'is blocked: a box cannot be told to encrypt its reports' };
    return { host, blocked: false, text: 'could not be looked up, so whether it is blocked is not known' };
  }
}
