// A charger's unit ID and a share PIN as the user types them. Each validator returns the message
// to show (refusing the input as it is typed) or undefined when the input is good.

/** A JuiceBox unit ID: digits only (the protocol's example has 28). */
export function validateUnitId(input: string): string | undefined {
  const t = input.trim();
  if (t === '') return 'Type the unit ID (the digits printed on the JuiceBox label, e.g. 0814081508141535522516012129).';
  if (!/^\d+$/.test(t)) return 'A unit ID has digits only (e.g. 0814081508141535522516012129).';
  if (t.length < 6 || t.length > 40) return `A unit ID has 6 to 40 digits (usually 28); this one has ${t.length}.`;
  return undefined;
}

/** A share PIN from get_share_pin: 4 or more digits. */
export function validatePin(input: string): string | undefined {
  const t = input.trim();
  if (t === '') return "Type the share PIN (the owner gets it with 'JuiceNet: Get Share PIN').";
  if (!/^\d{4,12}$/.test(t)) return 'A share PIN has 4 or more digits only (e.g. 8447).';
  return undefined;
}

/**
 * What names one charger as seen by one account: the same charger signed in through two accounts
 * (shared by PIN) is two entries, each with its own credentials. "<accountId>/<unitId>".
 */
export function unitKey(accountId: string, unitId: string): string {
  return `${accountId}/${unitId}`;
}

/** The account and unit of a key from unitKey; undefined for a bare unit ID (no "/"). */
export function splitUnitKey(key: string): { accountId: string; unitId: string } | undefined {
  const i = key.lastIndexOf('/');
  if (i <= 0 || i === key.length - 1) return undefined;
  return { accountId: key.slice(0, i), unitId: key.slice(i + 1) };
}
