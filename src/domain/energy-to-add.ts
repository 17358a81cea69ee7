// The energy a charging session is to add (Start Charging with an amount): how typed text is
// read and its range. Pure: the command and the tests use the same rule.

/** More than any car's battery: a typo, not a session. */
export const MAX_ENERGY_TO_ADD_KWH = 250;

/** "10", "10.5", "10 kWh" -> 10000 / 10500 Wh; a problem in words otherwise. */
export function parseEnergyToAddKwh(input: string | number): { wh: number } | { problem: string } {
  const text = String(input)
    .trim()
    .replace(/\s*kwh$/i, '')
    .replace(',', '.');
  if (text === '') return { problem: 'Type the energy to add in kWh, for example 10.' };
  if (!/^\d+(\.\d+)?$/.test(text)) return { problem: `"${String(input).trim()}" is not an amount of energy. Type kWh, for example 10 or 12.5.` };
  const kwh = Number(text);
  if (kwh <= 0 || kwh > MAX_ENERGY_TO_ADD_KWH) return { problem: `${kwh} kWh is out of range: use more than 0 and at most ${MAX_ENERGY_TO_ADD_KWH} kWh.` };
  return { wh: Math.round(kwh * 1000) };
}
