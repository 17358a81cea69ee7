import { strict as assert } from 'node:assert';
import { formatCents, formatDuration, formatEnergyWh, formatFrequencyHz, formatPowerW, formatTemperatureC, formatTimeLeft } from '../../src/domain/format';

describe('domain/format: measurements for display', () => {
  it('formats power, energy, money, frequency, temperature and durations', () => {
    assert.equal(formatPowerW(950), '950 W');
    assert.equal(formatPowerW(7200), '7.2 kW');
    assert.equal(formatEnergyWh(4134), '4.13 kWh');
    assert.equal(formatEnergyWh(430000), '430 kWh');
    assert.equal(formatEnergyWh(850), '850 Wh');
    assert.equal(formatCents(140), '$1.40');
    assert.equal(formatCents(14620), '$146.20');
    assert.equal(formatCents(-5), '-$0.05');
    assert.equal(formatFrequencyHz(59.99), '59.99 Hz');
    assert.equal(formatTemperatureC(30), '30 °C');
    assert.equal(formatDuration(45), '45 s');
    assert.equal(formatDuration(2464), '41 min');
    assert.equal(formatDuration(11936), '3 h 18 min');
    assert.equal(formatDuration(3 * 86400 + 7200), '3 d 2 h');
  });
  it('says unknown for a missing value instead of inventing 0', () => {
    for (const f of [formatPowerW, formatEnergyWh, formatCents, formatFrequencyHz, formatTemperatureC, formatDuration]) {
      assert.equal(f(undefined), 'unknown');
      assert.equal(f(Number.NaN), 'unknown');
    }
  });
  it('shows time left only while charging', () => {
    assert.equal(formatTimeLeft('charging', 2464), '41 min');
    assert.equal(formatTimeLeft('charging', undefined), 'unknown');
    assert.equal(formatTimeLeft('charging', 0), 'unknown', 'a charger that cannot know sends 0');
    assert.equal(formatTimeLeft('standby', 0), '—');
    assert.equal(formatTimeLeft('plugged', 3600), '—');
  });
});
