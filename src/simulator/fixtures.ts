// The simulator's fixtures: believable units (names, addresses, cars, ratings, time zones,
// schedules) drawn from a seed, and the story each starts in (a car charging, one waiting for
// its time-of-use window, an empty driveway).
import type { SimSchedule, WireNotification } from '../server/types';
import { savingsPerWh } from '../server/rules';
import { SimUnit, plug } from './physics';
import { DEMO_SERIAL_PREFIX } from './model';
import { Prng, childSeed } from './prng';

const UNIT_NAMES = ['Garage', 'Driveway', 'Carport', 'Side Yard', 'Workshop', 'Office Lot', 'Barn', 'Visitor Bay', 'Cottage', 'North Gate'];
const ZONES = ['Pacific Standard Time', 'Pacific Standard Time', 'Mountain Standard Time', 'Central Standard Time', 'Eastern Standard Time'];
const CARS = [
  { description: '2017 Chevrolet Bolt', make: 'Chevrolet', model: 'Bolt', year: 2017, modelId: '37066', batteryWh: 60000, rangeM: 383023, rateW: 7200 },
  { description: '2016 Volkswagen e-Golf', make: 'Volkswagen', model: 'e-Golf', year: 2016, modelId: '36834', batteryWh: 24200, rangeM: 133575, rateW: 7200 },
  { description: '2019 Tesla Model 3', make: 'Tesla', model: 'Model 3', year: 2019, modelId: '39120', batteryWh: 75000, rangeM: 499000, rateW: 11500 },
  { description: '2018 Nissan Leaf', make: 'Nissan', model: 'Leaf', year: 2018, modelId: '38044', batteryWh: 40000, rangeM: 241000, rateW: 6600 },
  {
    description: '2021 Ford Mustang Mach-E',
    make: 'Ford',
    model: 'Mustang Mach-E',
    year: 2021,
    modelId: '41210',
    batteryWh: 88000,
    rangeM: 437000,
    rateW: 10500,
  },
];
const RATINGS: [number, number][] = [
  [40, 32],
  [50, 40],
  [60, 48],
  [60, 32],
];

/** A unit's get_info: where it is, its ratings and zone, its car (the draws of `r` in a fixed order: a seed reproduces it). */
function simInfo(r: Prng, name: string, car: (typeof CARS)[number], carId: number, ratings: readonly [number, number], zone: string): Record<string, unknown> {
  const [wire, unitRating] = ratings;
  return {
    name,
    address: `${100 + r.int(0, 8800)} ${r.pick(['Bransten Rd', 'Oak St', 'Elm Ave', 'Harbor Way', 'Mesa Dr'])}`,
    city: r.pick(['San Carlos', 'Redwood City', 'Boulder', 'Austin', 'Raleigh']),
    zip: String(r.int(10000, 99999)),
    country_code: 'US',
    unit_type_id: 1,
    IP: `50.168.${r.int(1, 254)}.${r.int(1, 254)}`,
    gascost: 350,
    mpg: 25,
    ecost: r.pick([12, 14, 18, 23]),
    whpermile: 300,
    timeZoneId: zone,
    amps_wire_rating: wire,
    amps_unit_rating: unitRating,
    garage_id: r.uuid(),
    cars: [
      {
        car_id: carId,
        description: car.description,
        battery_size_wh: car.batteryWh,
        battery_range_m: car.rangeM,
        charging_rate_w: car.rateW,
        model_id: car.modelId,
        model_info: {
          model_id: car.modelId,
          description: car.description,
          make: car.make,
          model: car.model,
          year: car.year,
          range_m: car.rangeM,
          battery_size_wh: car.batteryWh,
          charging_rate_w: car.rateW,
          images: { charging: '', default: '', plugged: '' },
        },
      },
    ],
    policy: { name: 'Default', user_control_allowed: true, charge_control_type: 'standby' },
    restrictions: {},
  };
}

/** Every third unit has a night-time schedule; the others charge at once. Notifications: the offline one by push. */
function defaultSettings(index: number): { schedule: SimSchedule; notifications: Record<string, WireNotification> } {
  const custom = index % 3 === 1;
  const schedule: SimSchedule = custom
    ? { type: 'custom', weekday: { start: 1380, end: 420, car_ready_by: 420 }, weekend: { start: 1320, end: 480, car_ready_by: 480 } }
    : { type: 'disabled', weekday: { start: 1380, end: 420, car_ready_by: 420 }, weekend: { start: 1380, end: 420, car_ready_by: 480 } };
  const notifications: Record<string, WireNotification> = {};
  for (const k of ['charging_delayed_due_to_ToU', 'start_charging', 'stop_charging', 'is_offline', 'is_back_online']) {
    notifications[k] = { email: false, push: k === 'is_offline' };
  }
  notifications.is_not_plugged_in_by = { email: false, push: false, time: 0 };
  return { schedule, notifications };
}

/**
 * Starts the unit six hours in the past so that it reaches "now" (`start`) mid-story: some cars
 * charging, some waiting for the time-of-use window, some driveways empty.
 */
function startMidStory(u: SimUnit, index: number, start: number): void {
  u.t = start - 6 * 3600;
  const plugged = index === 0 || (index !== 2 && u.events.chance(0.55));
  if (plugged) {
    plug(u, u.t + (index === 0 ? 5 * 3600 + 1200 : u.events.int(0, 5 * 3600)), index === 0 ? 40000 : undefined);
    u.nextEventS = Math.max(u.car!.plugTimeS, start) + u.events.int(4 * 3600, 12 * 3600);
    // plug() ran "in the future" of u.t: treat as the event itself.
    u.t = u.car!.plugTimeS;
  } else {
    u.t = start;
    u.nextEventS = start + (index === 2 ? u.events.int(1800, 3600) : u.events.int(600, 8 * 3600));
  }
}

/** Unit number `index` of a simulator with seed `worldSeed` starting at `startTime`. */
export function createSimUnit(
  index: number,
  worldSeed: number,
  startTime: number,
  autoPlug: boolean,
  historyDays = 0,
  serialPrefix = DEMO_SERIAL_PREFIX,
): SimUnit {
  const seed = childSeed(worldSeed, index, 2);
  const r = new Prng(seed);
  // 28 decimal digits, like the protocol's "0814081508141535522516012129".
  const unitId = `${serialPrefix}${r.digits(20)}`;
  const car = CARS[index % CARS.length];
  const carId = 4000 + ((index * 37 + r.int(0, 999)) % 6000);
  const [wire, unitRating] = RATINGS[index % RATINGS.length];
  const zone = ZONES[index % ZONES.length];
  const name = index < UNIT_NAMES.length ? UNIT_NAMES[index] : `Bay ${String(index + 1).padStart(3, '0')}`;
  const start = startTime;
  const info = simInfo(r, name, car, carId, [wire, unitRating], zone);
  const { schedule, notifications } = defaultSettings(index);
  const updateIntervalS = r.pick([3, 5, 10, 15, 30]);
  const u: SimUnit = {
    index,
    unitId,
    seed,
    worldSeed,
    info,
    infoTimestamp: Math.floor(start) - r.int(86400, 86400 * 60),
    ampsLimit: Math.min(wire, unitRating),
    schedule,
    notifications,
    overrideTime: 0,
    chargingTime: 0,
    updateIntervalS,
    pingPhaseS: r.int(0, updateIntervalS - 1),
    t: start,
    car: null,
    lastCarId: carId,
    plugUnplugTime: Math.floor(start) - r.int(3600, 20 * 3600),
    lifetimeWh: r.int(2_000_000, 5_000_000),
    lifetimeSavingsCents: 0,
    nextEventS: Infinity,
    events: new Prng(childSeed(worldSeed, index, 3)),
    nextSessionSeq: 0,
    historyDays,
    historyEndS: start - 6 * 3600,
    offlineManual: false,
    offlineFault: false,
    error: false,
  };
  u.lifetimeSavingsCents = u.lifetimeWh * savingsPerWh(u.info);
  // Seeded history takes sequence numbers 0..59 (a year's: up to a few hundred); live sessions follow.
  u.nextSessionSeq = historyDays ? 10_000 : 100;
  if (autoPlug) startMidStory(u, index, start);
  return u;
}
