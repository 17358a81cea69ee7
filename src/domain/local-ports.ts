// The UDP ports JuiceBoxes report to, and how the owner narrows the ones JuiceNet Local listens
// on (the server's --udp-port and the extension's juicenet.localServer.udpPort setting). One rule
// for both programs.

/** The ports JuiceBoxes are known to report to: 8042 (older boxes), 8047 (most), 9004, 8055 (newer firmware's backend). */
export const JUICEBOX_UDP_PORTS: readonly number[] = [8042, 8047, 9004, 8055];

/**
 * Reads a list of UDP ports ("8047,8055", or a single number; 0 = any free port). Empty (or
 * nothing) means every known port: `ports` is then undefined. Anything else gets `error` in words.
 */
export function readUdpPortList(value: unknown): { ports?: number[]; error?: string } {
  if (value === undefined || value === null) return {};
  if (typeof value === 'number') value = String(value);
  if (Array.isArray(value)) value = value.join(',');
  if (typeof value !== 'string') return { error: `expected port numbers separated by commas, got ${JSON.stringify(value)}` };
  if (!value.trim()) return {};
  const ports: number[] = [];
  for (const raw of value.split(',')) {
    const p = raw.trim();
    if (!/^\d{1,5}$/.test(p) || Number(p) > 65535) {
      return { error: `each port must be a whole number from 0 to 65535 (commas between ports, 0 = any free port), got ${JSON.stringify(raw.trim())}` };
    }
    if (!ports.includes(Number(p))) ports.push(Number(p));
  }
  return { ports };
}
