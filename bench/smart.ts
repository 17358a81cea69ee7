// Benchmark of smart charging on JuiceNet Local (not a test): the rules of src/domain/smart run on a
// virtual clock over simulated weeks, each beside the naive alternative in the same run.
//  - circuits: boxes sharing a circuit with random churn (cars plugged in and out, lost reports and
//    replies, boxes going silent): seconds over the circuit (`violations`: how often the boxes drew
//    more than it carries) and its use while the cars want more than it carries (`utilisation`);
//    naive: a fixed split of the circuit (safe, wasteful) and no sharing at all (unsafe).
//  - ready by: the simulator's year of sessions, each "ready by" the time the car leaves, planned on
//    the default time-of-use tariff and re-planned every minute while the car charges 8 % slower
//    than planned; naive: charging at plug-in (`readyByCostRatio` = planned cost / that cost).
//  - solar: a box in "solar only" under a sun curve with clouds and a house load, against a box at a
//    fixed limit (`solarShare`: the share of the car's energy that came from surplus), and the limit
//    changes per hour against a controller that follows every reading.
// Writes bench/results/smart.json.
//   npm run bench:smart          (node esbuild.mjs --only=bench && node dist/bench/smart.js)
//   DAYS=3 npm run bench:smart   (a shorter run)
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { costOfConstantPower, parseTariffSetting, type TimeOfUseTariff } from '../src/domain/insights/tariff';
import { costAtPlugIn, deadlineAfter, planReadyBy } from '../src/domain/smart/ready-by';
import { solarLimit, type SolarOptions, type SolarState } from '../src/domain/smart/solar';
import { localTime } from '../src/domain/time-zone';
import { yearOfHistory } from '../src/simulator/year-history';
import { CircuitWorld, fittingOfflineLimits, mulberry, type Policy } from './lib/circuit-world';

const DAYS = Number(process.env.DAYS ?? 7);
const TARGETS = { violations: 0, boxHoursAtLeast: 1000, utilisationAtLeast: 0.9, readyByCostRatioAtMost: 1, deadlinesMissedThatCouldBeMet: 0 };

// ---------------------------------------------------------------- circuits

interface CircuitRun {
  boxHours: number;
  violations: number;
  violationSeconds: number;
  utilisation: number;
  crowdedHours: number;
  limitChangesPerHour: number;
}

function runCircuit(capacityA: number, n: number, policy: Policy, seed: number): CircuitRun {
  const rnd = mulberry(seed);
  const churn = mulberry(seed * 7 + 1);
  const ratings = Array.from({ length: n }, (_, i) => [32, 40, 48, 16][i % 4]);
  const offline = fittingOfflineLimits(
    capacityA,
    ratings,
    ratings.map(() => 1),
  );
  const world = new CircuitWorld(
    capacityA,
    ratings.map((r, i) => ({
      id: `93000000000000000000000${n}${i}`,
      ratingA: r,
      offlineA: offline[i],
      plugged: false,
      carMaxA: 32,
      needWh: 0,
      ownerA: r,
      muted: false,
    })),
    policy,
    rnd,
    { report: 0.03, reply: 0.03 },
  );
  const unplugAt = new Map<string, number>();
  const unmuteAt = new Map<string, number>();
  const end = DAYS * 86400;
  const cars = [16, 24, 32, 40, 48];
  while (world.now < end) {
    for (const b of world.boxes) {
      // Cars arrive about every 4 hours at a free box, stay 1 to 12 hours, want 5 to 60 kWh.
      if (!b.plugged && churn() < 1 / (4 * 3600)) {
        b.plugged = true;
        b.carMaxA = cars[Math.floor(churn() * cars.length)];
        b.needWh = 5000 + churn() * 55000;
        unplugAt.set(b.id, world.now + 3600 + churn() * 11 * 3600);
      } else if (b.plugged && world.now >= (unplugAt.get(b.id) ?? 0)) b.plugged = false;
      // A box goes silent about once a day for 1 to 20 minutes (Wi-Fi).
      if (!b.muted && churn() < 1 / 86400) {
        b.muted = true;
        unmuteAt.set(b.id, world.now + 60 + churn() * 1140);
      } else if (b.muted && world.now >= (unmuteAt.get(b.id) ?? 0)) b.muted = false;
      // The owner changes the limit now and then.
      if (churn() < 1 / (3 * 86400)) b.ownerA = churn() < 0.5 ? b.ratingA : Math.max(6, Math.floor(b.ratingA * (0.3 + churn() * 0.7)));
    }
    world.step();
  }
  return {
    boxHours: (n * end) / 3600,
    violations: world.violations,
    violationSeconds: world.violationSeconds,
    utilisation: world.utilisation(),
    crowdedHours: world.crowdedSeconds / 3600,
    limitChangesPerHour: world.limitChanges / ((n * end) / 3600),
  };
}

// ---------------------------------------------------------------- ready by

const DEFAULT_TARIFF = (() => {
  const p = parseTariffSetting({
    mode: 'timeOfUse',
    weekday: [
      { from: '00:00', to: '07:00', centsPerKwh: 12 },
      { from: '07:00', to: '16:00', centsPerKwh: 24 },
      { from: '16:00', to: '21:00', centsPerKwh: 38 },
      { from: '21:00', to: '24:00', centsPerKwh: 24 },
    ],
    weekend: [{ from: '00:00', to: '24:00', centsPerKwh: 18 }],
  });
  if (!p.ok || p.mode !== 'timeOfUse') throw new Error('the default tariff does not parse');
  return p.tariff as TimeOfUseTariff;
})();

function runReadyBy() {
  const zone = 'America/Los_Angeles';
  const endS = Date.UTC(2026, 0, 1) / 1000;
  const nominalW = 7680;
  const sessions = yearOfHistory({ seed: 3, idBase: 0, endS, days: 365, zone, maxPowerW: nominalW, batteryWh: 75000, whPerMile: 300, savingsPerWh: 0 });
  let plannedCents = 0;
  let atPlugInCents = 0;
  let met = 0;
  let replans = 0;
  let impossible = 0;
  const stepS = 60;
  for (const s of sessions) {
    const readyByMin = localTime(zone, s.timeEnd).minuteOfDay;
    const deadline = deadlineAfter(readyByMin, zone, s.timeStart);
    const actualW = nominalW * 0.92;
    let left = s.energyWh;
    let powerW = nominalW;
    for (let t = s.timeStart; t < deadline && left > 0.5; t += stepS) {
      const plan = planReadyBy({ tariff: DEFAULT_TARIFF, zone, nowS: t, deadlineS: deadline, energyWh: left, powerW });
      replans++;
      if (!plan.chargeNow) continue;
      // Charge through this step (or until the energy is in), at the car's real power.
      const dt = Math.min(stepS, (left / actualW) * 3600, deadline - t);
      plannedCents += costOfConstantPower(DEFAULT_TARIFF, zone, t, t + dt, actualW);
      left -= (actualW * dt) / 3600;
      powerW = actualW; // what the car was seen to take
    }
    if (left <= 0.5) met++;
    else if (s.timeStart + (s.energyWh / actualW) * 3600 > deadline) impossible++;
    atPlugInCents += costAtPlugIn(DEFAULT_TARIFF, zone, s.timeStart, s.energyWh, actualW);
  }
  return {
    sessions: sessions.length,
    plannedCents,
    atPlugInCents,
    deadlinesMet: met,
    /** Sessions whose deadline no plan could meet (even charging at once at the car's power). */
    deadlinesImpossible: impossible,
    readyByCostRatio: plannedCents / atPlugInCents,
    replans,
  };
}

// ---------------------------------------------------------------- solar

interface SolarRun {
  carWh: number;
  surplusWh: number;
  solarShare: number;
  limitChanges: number;
  pluggedHours: number;
  limitChangesPerHour: number;
}

function runSolar(controller: 'smart' | 'every-reading' | 'fixed', days: number, seed: number): SolarRun {
  const rnd = mulberry(seed);
  const opts: Partial<SolarOptions> = controller === 'every-reading' ? { minIntervalS: 0, hysteresisA: 0, pauseAfterS: 0 } : {};
  let carWh = 0;
  let surplusWh = 0;
  let changes = 0;
  let plugged = 0;
  for (let day = 0; day < days; day++) {
    const clearness = 0.35 + rnd() * 0.65;
    const peakW = 6500;
    let cloud = 1;
    let kettleUntil = -1;
    let state: SolarState = {};
    let limitA = controller === 'fixed' ? 32 : 0;
    let need = 8000 + rnd() * 22000;
    const home = rnd() < 0.75;
    let meter: { atS: number; gridW: number } | undefined;
    for (let s = 0; s < 86400; s++) {
      const sun = Math.max(0, Math.sin((Math.PI * (s - 6.5 * 3600)) / (13 * 3600)));
      if (rnd() < 1 / 600) cloud = rnd() < 1 - clearness ? 0.2 + rnd() * 0.4 : 1;
      const pvW = peakW * sun * cloud * (0.6 + 0.4 * clearness);
      if (kettleUntil < s && rnd() < 6 / 86400) kettleUntil = s + 180 + rnd() * 1200;
      // A fridge cycling, a kettle or oven now and then, and the small ups and downs a meter sees.
      const houseW = 350 + (s < kettleUntil ? 2000 : 0) + (s % 3600 < 900 ? 150 : 0) + (rnd() - 0.5) * 400;
      const isPlugged = home && s >= 9 * 3600 && s < 17 * 3600 && need > 0;
      const carW = isPlugged ? limitA * 240 : 0;
      if (s % 5 === 0) meter = { atS: s, gridW: houseW + carW - pvW };
      if (isPlugged) {
        plugged++;
        carWh += carW / 3600;
        surplusWh += Math.min(carW, Math.max(0, pvW - houseW)) / 3600;
        need -= carW / 3600;
        if (s % 10 === 0 && controller !== 'fixed') {
          const r = solarLimit(state, { mode: 'solar-only', nowS: s, meter, carW, voltageV: 240, ownerMaxA: 32 }, opts);
          state = r.state;
          if (r.decision.limitA !== limitA) changes++;
          limitA = r.decision.limitA;
        }
      }
    }
  }
  const pluggedHours = plugged / 3600;
  return {
    carWh,
    surplusWh,
    solarShare: surplusWh / Math.max(1, carWh),
    limitChanges: changes,
    pluggedHours,
    limitChangesPerHour: changes / Math.max(1e-9, pluggedHours),
  };
}

// ---------------------------------------------------------------- main

function main(): void {
  const t0 = performance.now();
  const layouts = [
    { capacityA: 32, boxes: 2 },
    { capacityA: 32, boxes: 5 },
    { capacityA: 48, boxes: 7 },
  ];
  const per = layouts.map((l, i) => ({
    ...l,
    smart: runCircuit(l.capacityA, l.boxes, 'smart', 100 + i),
    fixedSplit: runCircuit(l.capacityA, l.boxes, 'fixed-split', 100 + i),
    noSharing: runCircuit(l.capacityA, l.boxes, 'no-sharing', 100 + i),
  }));
  const sum = (f: (p: (typeof per)[number]) => number) => per.reduce((s, p) => s + f(p), 0);
  const crowdedWeighted = (k: 'smart' | 'fixedSplit') =>
    sum((p) => p[k].utilisation * p[k].crowdedHours) /
    Math.max(
      1e-9,
      sum((p) => p[k].crowdedHours),
    );
  const circuits = {
    virtualDays: DAYS,
    boxHours: sum((p) => p.smart.boxHours),
    violations: sum((p) => p.smart.violations),
    violationSeconds: sum((p) => p.smart.violationSeconds),
    utilisation: crowdedWeighted('smart'),
    limitChangesPerHour: sum((p) => p.smart.limitChangesPerHour * p.smart.boxHours) / sum((p) => p.smart.boxHours),
    naiveFixedSplit: { violations: sum((p) => p.fixedSplit.violations), utilisation: crowdedWeighted('fixedSplit') },
    naiveNoSharing: { violations: sum((p) => p.noSharing.violations), violationSeconds: sum((p) => p.noSharing.violationSeconds) },
    layouts: per,
  };
  const t1 = performance.now();
  const readyBy = runReadyBy();
  const t2 = performance.now();
  const solarDays = Math.max(7, Math.round(DAYS * 2));
  const solar = {
    days: solarDays,
    smart: runSolar('smart', solarDays, 7),
    fixedLimit: runSolar('fixed', solarDays, 7),
    everyReading: runSolar('every-reading', solarDays, 7),
  };
  const t3 = performance.now();
  const result = {
    violations: circuits.violations,
    utilisation: circuits.utilisation,
    readyByCostRatio: readyBy.readyByCostRatio,
    deadlinesMet: readyBy.deadlinesMet,
    deadlinesTotal: readyBy.sessions,
    deadlinesImpossible: readyBy.deadlinesImpossible,
    solarShare: solar.smart.solarShare,
    solarShareFixedLimit: solar.fixedLimit.solarShare,
    limitChangesPerHour: solar.smart.limitChangesPerHour,
    limitChangesPerHourEveryReading: solar.everyReading.limitChangesPerHour,
    circuits,
    readyBy,
    solar,
    targets: TARGETS,
    pass: {
      violations: circuits.violations === TARGETS.violations && circuits.boxHours >= TARGETS.boxHoursAtLeast,
      utilisation: circuits.utilisation >= TARGETS.utilisationAtLeast,
      readyByCostRatio: readyBy.readyByCostRatio <= TARGETS.readyByCostRatioAtMost,
      deadlinesMet: readyBy.deadlinesMet + readyBy.deadlinesImpossible === readyBy.sessions,
      solarShare: solar.smart.solarShare > solar.fixedLimit.solarShare,
    },
    seconds: { circuits: (t1 - t0) / 1000, readyBy: (t2 - t1) / 1000, solar: (t3 - t2) / 1000 },
    at: new Date().toISOString(),
  };
  const dir = join(process.cwd(), 'bench', 'results');
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'smart.json'), `${JSON.stringify(result, null, 2)}\n`);
  const pct = (x: number) => `${(x * 100).toFixed(1)} %`;
  console.log(
    [
      `circuits: ${circuits.boxHours.toFixed(0)} box-hours, ${circuits.violations} violations (no sharing: ${circuits.naiveNoSharing.violations}), utilisation ${pct(circuits.utilisation)} (fixed split: ${pct(circuits.naiveFixedSplit.utilisation)})`,
      `ready by: ${readyBy.sessions} sessions, cost ${pct(readyBy.readyByCostRatio)} of charging at plug-in, ${readyBy.deadlinesMet} deadlines met (${readyBy.deadlinesImpossible} could not be met by any plan)`,
      `solar: ${pct(solar.smart.solarShare)} from surplus (fixed limit: ${pct(solar.fixedLimit.solarShare)}), ${solar.smart.limitChangesPerHour.toFixed(1)} limit changes per hour (following every reading: ${solar.everyReading.limitChangesPerHour.toFixed(1)})`,
    ].join('\n'),
  );
  if (Object.values(result.pass).some((p) => !p)) process.exitCode = 1;
}

main();
