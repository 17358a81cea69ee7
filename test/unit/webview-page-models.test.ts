import { strict as assert } from 'node:assert';
import { csvField, sessionsToCsv, CSV_HEADER } from '../../webview/csv';
import { energyUnderCurveWh, plotIntervalsForWidth, toPlotColumns } from '../../webview/plot';
import { describeChange, diffInfo, parseInfoJson, setAtPath, getAtPath, validateInfo } from '../../webview/info-model';

describe('webview page models', () => {
  describe('CSV export', () => {
    it('writes a header and one line per session, kWh and dollars, empty cells for unknowns', () => {
      const csv = sessionsToCsv([
        { id: 7, timeStart: 1478544800, timeEnd: 1478548400, durationS: 3600, energyWh: 7250, savingsCents: 123 },
        { timeStart: 1478544800 },
      ]);
      const lines = csv.split('\r\n');
      assert.equal(lines[0], CSV_HEADER.join(','));
      assert.equal(lines[1], '7,2016-11-07T18:53:20.000Z,2016-11-07T19:53:20.000Z,3600,7.250,1.23');
      assert.equal(lines[2], ',2016-11-07T18:53:20.000Z,,,,');
      assert.equal(lines[3], '');
    });
    it('quotes commas, quotes and line breaks, and defuses formula-looking text', () => {
      assert.equal(csvField('a,b'), '"a,b"');
      assert.equal(csvField('say "hi"'), '"say ""hi"""');
      assert.equal(csvField('x\ny'), '"x\ny"');
      assert.equal(csvField('=1+1'), "'=1+1");
      assert.equal(csvField(-5), '-5');
      assert.equal(csvField(undefined), '');
    });
  });

  describe('power plot', () => {
    it('asks for about one interval per 2 px, clamped to 50..1000', () => {
      assert.equal(plotIntervalsForWidth(800), 400);
      assert.equal(plotIntervalsForWidth(40), 50);
      assert.equal(plotIntervalsForWidth(5000), 1000);
      assert.equal(plotIntervalsForWidth(NaN), 50);
      assert.equal(plotIntervalsForWidth(0), 50);
    });
    it('integrates energy with the trapezoid rule (Wh)', () => {
      // 7.2 kW flat for one hour = 7200 Wh.
      assert.equal(
        energyUnderCurveWh([
          { t: 0, v: 7200 },
          { t: 1800, v: 7200 },
          { t: 3600, v: 7200 },
        ]),
        7200,
      );
      // A ramp 0 -> 3600 W over 3600 s = 1800 Wh.
      assert.equal(
        energyUnderCurveWh([
          { t: 3600, v: 3600 },
          { t: 0, v: 0 },
        ]),
        1800,
      );
      assert.equal(energyUnderCurveWh([{ t: 0, v: 5000 }]), 0);
      assert.equal(energyUnderCurveWh([]), 0);
    });
    it('builds sorted uPlot columns in kW', () => {
      assert.deepEqual(
        toPlotColumns([
          { t: 20, v: 1000 },
          { t: 10, v: 500 },
        ]),
        [
          [10, 20],
          [0.5, 1],
        ],
      );
    });
  });

  describe('info editing', () => {
    const info = {
      name: 'Garage',
      amps_wire_rating: 60,
      amps_unit_rating: 32,
      gascost: 350,
      cars: [{ description: 'Bolt' }],
      policy: { name: 'Default' },
      extra: { keep: 1 },
    };
    it('accepts the server object, unknown fields included', () => {
      assert.deepEqual(validateInfo(info), []);
    });
    it('names the field of each problem', () => {
      const problems = validateInfo({ ...info, name: ' ', amps_wire_rating: -3, gascost: 'lots', country_code: 'USA' });
      const paths = problems.map((p) => p.path).sort();
      assert.deepEqual(paths, ['amps_wire_rating', 'country_code', 'gascost', 'name']);
      assert.match(problems.find((p) => p.path === 'name')!.message, /cannot be empty/);
      assert.match(problems.find((p) => p.path === 'amps_wire_rating')!.message, /above 0/);
    });
    it('names nested paths', () => {
      const problems = validateInfo({ ...info, cars: [{ battery_size_wh: 1.5 }] });
      assert.equal(problems[0].path, 'cars[0].battery_size_wh');
    });
    it('reports JSON that does not parse, and non-objects, without throwing', () => {
      assert.equal(parseInfoJson('{"name": ').problems[0].path, '(json)');
      assert.equal(parseInfoJson('[1]').problems[0].path, '(root)');
      assert.deepEqual(parseInfoJson(JSON.stringify(info)).value, info);
    });
    it('diffs leaf by leaf, with added and removed fields', () => {
      const after = setAtPath(setAtPath(info, 'amps_wire_rating', 40), 'policy.name', 'Eco');
      delete (after as Record<string, unknown>).gascost;
      (after.cars as { description: string }[])[0].description = 'Bolt EV';
      const changes = diffInfo(info, after).map(describeChange);
      assert.deepEqual(changes, [
        'amps_wire_rating: 60 → 40',
        'gascost: 350 → (none)',
        'cars[0].description: "Bolt" → "Bolt EV"',
        'policy.name: "Default" → "Eco"',
      ]);
      assert.deepEqual(diffInfo(info, structuredClone(info)), []);
      // setAtPath copies: the original is untouched.
      assert.equal(info.amps_wire_rating, 60);
      assert.equal(getAtPath(after, 'policy.name'), 'Eco');
    });
  });
});
