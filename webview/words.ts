// The owner's words the page uses: state, event and field labels.
// Placeholder until the shared labels (src/domain/labels.ts) are in this branch: then this file
// only re-exports them.
export interface FieldLabel {
  label: string;
  unit?: string;
  help?: string;
}
const STATES: Record<string, string> = { standby: 'standby', plugged: 'plugged in', charging: 'charging', error: 'error', disconnect: 'offline', unknown: 'unknown state' };
export function stateLabel(state: string | undefined): string {
  return state === undefined ? 'not read yet' : (STATES[state] ?? 'unknown state');
}
const FIELDS: Record<string, FieldLabel> = {
  name: { label: 'Name' },
  address: { label: 'Address' },
  city: { label: 'City' },
  zip: { label: 'ZIP code' },
  country_code: { label: 'Country', help: 'Two-letter country code, e.g. US.' },
  gascost: { label: 'Gas price', unit: '¢/gallon' },
  mpg: { label: 'Gas car mileage', unit: 'mpg' },
  ecost: { label: 'Electricity price', unit: '¢/kWh' },
  whpermile: { label: 'EV consumption', unit: 'Wh/mile' },
  timeZoneId: { label: 'Time zone' },
  amps_wire_rating: { label: 'Wire rating', unit: 'A' },
  amps_unit_rating: { label: 'Charger rating', unit: 'A' },
  user_control_allowed: { label: 'You may control charging' },
  charge_control_type: { label: 'Control type' },
  policy: { label: 'Charging policy' },
};
export function fieldInfo(path: string): FieldLabel {
  const parts = path.split(/[.[\]]+/).filter((p) => p !== '' && !/^\d+$/.test(p));
  const last = parts[parts.length - 1] ?? path;
  return FIELDS[last] ?? { label: last.replace(/_+/g, ' ').replace(/^./, (c) => c.toUpperCase()) };
}
export function fieldLabel(path: string): string {
  return fieldInfo(path).label;
}
