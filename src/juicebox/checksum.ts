// The checksum JuiceBoxes put after `!` in status reports and expect after `!` in commands.
// A 16-bit rolling hash of the characters before `!`, written as three base-35 digits, least
// significant first. The base-35 alphabet is 0-9 then A-Y, with Z standing in for O (digit 24).

/** Base-35 digits 0..34; position 24 would be `O` and is written `Z`. */
export const CHECKSUM_DIGITS = '0123456789ABCDEFGHIJKLMNZPQRSTUVWXY';

/** The three-character checksum of `text` (the characters before `!`). */
export function juiceboxChecksum(text: string): string {
  let h = 0;
  for (let i = 0; i < text.length; i++) {
    h = (h ^ ((h << 5) + (h >> 2) + text.charCodeAt(i))) & 0xffff;
  }
  let v = h % 42875;
  let out = '';
  for (let d = 0; d < 3; d++) {
    out += CHECKSUM_DIGITS[v % 35];
    v = Math.floor(v / 35);
  }
  return out;
}

/** Whether `checksum` is the right one for `text`. */
export function checksumMatches(text: string, checksum: string): boolean {
  return checksum.length === 3 && juiceboxChecksum(text) === checksum;
}
