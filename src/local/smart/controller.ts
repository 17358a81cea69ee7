// Smart charging in JuiceNet Local: every reply to a box's report passes through here (the reply cap
// of BoxLimits), after the owner's own rules. The order: a "ready by" plan (0 A outside its hours),
// then solar (the surplus), then the circuit (the box's share, with the safety rules of
// src/domain/smart/circuit.ts). What the owner set is kept in SQLite (the settings table), so a
// restart continues the plans; the shares start again conservatively (every box counts with what
// it last reported until it reports again).
import type { LocalMeterConfig, LocalSmartRequest, LocalSmartStatusReply } from '../../api/local-contract';
import { localSmartRequestSchema } from '../../api/local-contract';
import { describeTariff, parseTariffSetting, type Tariff, type TariffSetting, tariffProblemsMessage } from '../../domain/insights/tariff';
import { parseHHMM, minutesToHHMM } from '../../domain/schedule';
import { CircuitShares, checkOfflineFit, validateCircuit, type CircuitSpec } from '../../domain/smart/circuit';
import { deadlineAfter, energyForStateOfCharge, planReadyBy } from '../../domain/smart/ready-by';
import { clockIn, smartReason, type SmartBoxState } from '../../domain/smart/reason';
import { solarLimit, type MeterReading, type SolarMode, type SolarOptions, type SolarState } from '../../domain/smart/solar';
import { ProtocolError, unitZone } from '../../server/rules';
import type { LocalDatabase } from '../db';
import type { LimitDecision } from '../limits';
import type { LocalBox } from '../registry';
import type { LocalSource } from '../source';
import { meterWhere, startMeter, type MeterSource } from './meter';

const SETTINGS_KEY = 'smart-charging';

interface PlanConfig {
  readyByMin: number;
  energyWh: number;
  setAtS: number;
  deadlineS: number;
  /** The session the plan belongs to (bound at the first report with a car), and its energy then. */
  sessionId?: number;
  baseWh?: number;
}

interface SmartConfig {
  circuits: CircuitSpec[];
  plans: Record<string, PlanConfig>;
  solar: Record<string, SolarMode>;
  meter: LocalMeterConfig;
  tariff?: TariffSetting;
}

const EMPTY: SmartConfig = { circuits: [], plans: {}, solar: {}, meter: { kind: 'none' } };

export interface SmartChargingOptions {
  source: LocalSource;
  db: LocalDatabase;
  now: () => number;
  log: (line: string) => void;
  /** Solar control's timing (tests shorten it). */
  solar?: Partial<SolarOptions>;
  /** Circuit timing (tests shorten it). */
  circuit?: { turnS?: number; silentAfterS?: number };
}

const PLUGGED = new Set(['plugged', 'charging']);

export class SmartCharging {
  private config: SmartConfig;
  private readonly circuits = new Map<string, CircuitShares>();
  private readonly circuitOf = new Map<string, string>();
  private readonly solarStates = new Map<string, SolarState>();
  private readonly states = new Map<string, SmartBoxState>();
  private reading?: MeterReading;
  private meterProblem?: string;
  private meter?: MeterSource;
  /** What was last said in the log per box (a line when it changes, not per report). */
  private readonly said = new Map<string, string>();

  constructor(private readonly opts: SmartChargingOptions) {
    this.config = this.load();
    this.rebuildCircuits();
  }

  /** Plugs into the replies and starts the meter. */
  start(): void {
    this.opts.source.limits.setReplyCap((box, owner, now) => this.cap(box, owner, now));
    this.startMeter();
  }

  async close(): Promise<void> {
    this.opts.source.limits.setReplyCap(undefined);
    await this.meter?.close();
    this.meter = undefined;
  }

  // ---------------------------------------------------------------- configuration

  private load(): SmartConfig {
    const raw = this.opts.db.getSetting(SETTINGS_KEY);
    if (!raw) return structuredClone(EMPTY);
    try {
      return { ...structuredClone(EMPTY), ...(JSON.parse(raw) as Partial<SmartConfig>) };
    } catch {
      this.opts.log('The smart-charging settings in the database cannot be read: starting without circuits, plans or solar modes');
      return structuredClone(EMPTY);
    }
  }

  private save(): void {
    this.opts.db.putSetting(SETTINGS_KEY, JSON.stringify(this.config));
  }

  private rebuildCircuits(): void {
    this.circuits.clear();
    this.circuitOf.clear();
    for (const spec of this.config.circuits) {
      const known: Record<string, { limitA?: number; offlineLimitA?: number }> = {};
      for (const id of spec.unitIds) {
        const box = this.opts.source.registry.get(id);
        if (box) known[id] = { limitA: box.last?.onlineLimitA, offlineLimitA: box.last?.offlineLimitA ?? box.offlineLimitA };
      }
      this.circuits.set(spec.id, new CircuitShares(spec, this.opts.circuit ?? {}, known));
      for (const id of spec.unitIds) this.circuitOf.set(id, spec.id);
    }
  }

  private startMeter(): void {
    const c = this.config.meter;
    this.reading = undefined;
    this.meterProblem = undefined;
    try {
      this.meter = startMeter(
        c,
        {
          reading: (gridW, atS) => (this.reading = { gridW, atS }),
          problem: (words) => {
            if (words !== undefined && words !== this.meterProblem) this.opts.log(`Solar meter: ${words}`);
            this.meterProblem = words;
          },
        },
        this.opts.now,
        this.opts.log,
      );
    } catch (e) {
      this.meterProblem = (e as Error).message;
      this.opts.log(`Solar meter not started: ${this.meterProblem}`);
    }
  }

  private tariff(box: LocalBox): { tariff: Tariff; problem?: string } {
    const flat = (): Tariff => ({ kind: 'flat', centsPerKwh: typeof box.settings.info.ecost === 'number' ? box.settings.info.ecost : 12 });
    if (!this.config.tariff) return { tariff: flat() };
    const p = parseTariffSetting(this.config.tariff);
    if (!p.ok) return { tariff: flat(), problem: tariffProblemsMessage(p.errors) };
    return { tariff: p.mode === 'timeOfUse' ? p.tariff : flat() };
  }

  // ---------------------------------------------------------------- the reply cap

  private say(unitId: string, line: string | undefined): void {
    if (line === undefined || this.said.get(unitId) === line) return;
    this.said.set(unitId, line);
    this.opts.log(line);
  }

  /** The amps for the reply to `box`'s report now (the owner's decision capped by plan, solar and circuit). */
  private cap(box: LocalBox, owner: LimitDecision, now: number): number {
    const unitId = box.unitId;
    const cid = this.circuitOf.get(unitId);
    const plan = this.config.plans[unitId];
    const mode = this.config.solar[unitId] ?? 'off';
    if (!cid && !plan && mode === 'off') {
      this.states.delete(unitId);
      return owner.amps;
    }
    const last = box.last;
    const plugged = last !== undefined && PLUGGED.has(last.state);
    const volts = last?.voltageV !== undefined && last.voltageV > 50 ? last.voltageV : 240;
    const name = this.opts.source.registry.nameOf(box);
    const st: SmartBoxState = { unitId, limitA: owner.amps, ownerLimitA: owner.amps };
    let cap = owner.amps;

    // The owner's override (start charging now) goes past the plan and the solar mode, never past the circuit.
    const overridden = owner.reason === 'override';
    if (plan && !overridden) {
      const r = this.planFor(box, plan, cap, plugged, volts, now);
      if (r) {
        st.readyBy = r;
        if (plugged && !r.chargeNow) cap = 0;
        if (plugged && !r.feasible && r.addedWh < r.energyWh)
          this.say(unitId, `${name}: ready by ${minutesToHHMM(plan.readyByMin)} cannot be met; charging as fast as allowed`);
      }
    }
    if (mode !== 'off' && !overridden) {
      const r = solarLimit(
        this.solarStates.get(unitId) ?? {},
        { mode, nowS: now, meter: this.reading, carW: (last?.currentA ?? 0) * volts, voltageV: volts, ownerMaxA: cap },
        this.opts.solar,
      );
      this.solarStates.set(unitId, r.state);
      const problem = r.decision.kind === 'meter-lost' ? (this.meterProblem ?? r.decision.problem) : undefined;
      st.solar = { mode, kind: r.decision.kind, limitA: r.decision.limitA, surplusA: r.decision.surplusA, problem };
      if (problem) this.say(unitId, `${name}: ${problem}; charging at the normal limit (${cap} A) until it is back`);
      else if (this.said.get(unitId)?.includes('until it is back')) this.say(unitId, `${name}: the solar meter is back; following the surplus again`);
      cap = Math.min(cap, r.decision.limitA);
    }
    if (cid) {
      const c = this.circuits.get(cid)!;
      c.observe(unitId, {
        atS: last?.atS ?? now,
        plugged,
        charging: last?.state === 'charging',
        reportedLimitA: last?.onlineLimitA,
        currentA: last?.currentA,
        offlineLimitA: last?.offlineLimitA ?? box.offlineLimitA,
        ownerMaxA: cap,
      });
      const d = c.decide(unitId, now);
      cap = Math.min(cap, d.limitA);
      st.circuit = {
        id: cid,
        name: c.spec.name,
        capacityA: c.spec.capacityA,
        boxes: c.spec.unitIds.length,
        shareA: d.limitA,
        targetA: d.targetA,
        kind: d.kind,
        turnAtS: d.turnAtS,
      };
    }
    st.limitA = cap;
    this.states.set(unitId, st);
    return cap;
  }

  /** The plan of a box now (binding it to the car's session), or undefined when it is finished. */
  private planFor(box: LocalBox, plan: PlanConfig, maxA: number, plugged: boolean, volts: number, now: number): SmartBoxState['readyBy'] {
    const session = box.session;
    if (!plugged || !session) {
      if (plan.sessionId !== undefined) {
        // The car left: the plan is done.
        delete this.config.plans[box.unitId];
        this.save();
        return undefined;
      }
    } else if (plan.sessionId !== session.id) {
      plan.sessionId = session.id;
      plan.baseWh = session.energyWh;
      if (plan.deadlineS < now + 300) plan.deadlineS = deadlineAfter(plan.readyByMin, unitZone(box.settings.info), now);
      this.save();
    }
    const addedWh = session && plan.sessionId === session.id ? Math.max(0, session.energyWh - (plan.baseWh ?? 0)) : 0;
    const left = Math.max(0, plan.energyWh - addedWh);
    // The power it gets: its limit (its circuit share when it has one), or what the car takes when less.
    const share = this.states.get(box.unitId)?.circuit?.targetA;
    let amps = share !== undefined && share > 0 ? Math.min(maxA, share) : maxA;
    const cur = box.last?.currentA;
    if (box.last?.state === 'charging' && cur !== undefined && cur > 0 && cur < amps - 1) amps = cur;
    const { tariff } = this.tariff(box);
    const p = planReadyBy({ tariff, zone: unitZone(box.settings.info), nowS: now, deadlineS: plan.deadlineS, energyWh: left, powerW: amps * volts });
    return {
      readyByMin: plan.readyByMin,
      energyWh: plan.energyWh,
      addedWh,
      deadlineS: plan.deadlineS,
      slots: p.slots,
      costCents: p.costCents,
      readyAtS: Number.isFinite(p.readyAtS) ? p.readyAtS : plan.deadlineS,
      feasible: p.feasible,
      chargeNow: p.chargeNow,
    };
  }

  // ---------------------------------------------------------------- the endpoint

  /** POST /local/smart: checks the owner's token, runs the action, answers the status. */
  handle(body: Record<string, unknown>, accountToken: string): LocalSmartStatusReply {
    if (body.account_token !== accountToken) throw new ProtocolError(401, 'Invalid token: smart charging needs the account token');
    const parsed = localSmartRequestSchema.safeParse(body);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw new ProtocolError(422, `Smart charging: ${issue.path.join('.') || 'the request'}: ${issue.message}`);
    }
    const message = this.act(parsed.data as LocalSmartRequest);
    return { ...this.status(), message };
  }

  private requireBox(unitId: string): LocalBox {
    const box = this.opts.source.registry.get(unitId);
    if (!box) throw new ProtocolError(404, `No JuiceBox ${unitId} has reported to this server`);
    return box;
  }

  private act(r: LocalSmartRequest): string | undefined {
    switch (r.action) {
      case 'status':
        return undefined;
      case 'set-circuit': {
        const errors = validateCircuit(r);
        if (errors.length > 0) throw new ProtocolError(422, errors.join(' '));
        for (const u of r.unitIds) {
          const box = this.requireBox(u);
          // The safety rule needs each box to say the limit it obeys; the oldest firmware does not.
          if (box.last && box.last.onlineLimitA === undefined)
            throw new ProtocolError(
              422,
              `${this.opts.source.registry.nameOf(box)} (${u}) does not report the limit it obeys (old firmware), so the server cannot know when it has lowered its current: it cannot share a circuit safely. Leave it off the circuit and count its limit out of the circuit's current.`,
            );
        }
        const id = r.id ?? `c${Date.now().toString(36)}`;
        for (const c of this.config.circuits) {
          if (c.id === id) continue;
          const shared = r.unitIds.filter((u) => c.unitIds.includes(u));
          if (shared.length > 0)
            throw new ProtocolError(
              422,
              `${shared.join(', ')} ${shared.length === 1 ? 'is' : 'are'} already on the ${c.name} circuit: a box is on one circuit only`,
            );
        }
        const spec: CircuitSpec = { id, name: r.name.trim(), capacityA: r.capacityA, unitIds: [...r.unitIds] };
        this.config.circuits = [...this.config.circuits.filter((c) => c.id !== id), spec];
        this.save();
        this.rebuildCircuits();
        return `The ${spec.name} circuit (${spec.capacityA} A) is shared by ${spec.unitIds.length} ${spec.unitIds.length === 1 ? 'box' : 'boxes'}. ${this.fit(spec).message}`;
      }
      case 'remove-circuit': {
        const c = this.config.circuits.find((x) => x.id === r.id);
        if (!c) throw new ProtocolError(404, `No circuit ${r.id}`);
        this.config.circuits = this.config.circuits.filter((x) => x.id !== r.id);
        this.save();
        this.rebuildCircuits();
        return `The ${c.name} circuit is no longer shared: its boxes charge at their own limits.`;
      }
      case 'confirm-offline-limits': {
        const c = this.config.circuits.find((x) => x.id === r.id);
        if (!c) throw new ProtocolError(404, `No circuit ${r.id}`);
        const fit = this.fit(c);
        if (fit.fits) return fit.message;
        for (const [unitId, amps] of Object.entries(fit.suggestedA)) {
          const s = this.opts.source.settings(unitId);
          this.opts.source.update(unitId, { info: { ...s.info, offline_amps_limit: amps } });
        }
        return `Offline limits set to ${Object.values(fit.suggestedA)
          .map((a) => `${a} A`)
          .join(', ')}: each box takes its new one with its next reply.`;
      }
      case 'set-ready-by': {
        const box = this.requireBox(r.unitId);
        let minute: number;
        try {
          minute = parseHHMM(r.readyBy) % 1440;
        } catch {
          throw new ProtocolError(422, `"Ready by" needs a time of day such as 07:00 (got ${JSON.stringify(r.readyBy)})`);
        }
        const energyWh =
          r.energyWh ?? (r.stateOfCharge ? energyForStateOfCharge(r.stateOfCharge.batteryKwh, r.stateOfCharge.fromPercent, r.stateOfCharge.toPercent) : 0);
        if (!(energyWh > 0)) throw new ProtocolError(422, 'Say how much to add: an energy in kWh, or a state of charge above the present one');
        const now = this.opts.now();
        const zone = unitZone(box.settings.info);
        this.config.plans[r.unitId] = { readyByMin: minute, energyWh: Math.round(energyWh), setAtS: now, deadlineS: deadlineAfter(minute, zone, now) };
        this.save();
        return `Ready by ${minutesToHHMM(minute)} (${clockIn(this.config.plans[r.unitId].deadlineS, zone, now)}) with ${Math.round(energyWh / 100) / 10} kWh: planned at the cheapest hours with the next report.`;
      }
      case 'cancel-ready-by':
        this.requireBox(r.unitId);
        delete this.config.plans[r.unitId];
        this.save();
        return 'The plan is cancelled: the box charges by its own schedule again.';
      case 'set-solar':
        this.requireBox(r.unitId);
        if (r.mode === 'off') delete this.config.solar[r.unitId];
        else this.config.solar[r.unitId] = r.mode;
        this.solarStates.delete(r.unitId);
        this.save();
        return r.mode === 'off'
          ? 'Solar charging is off for this box.'
          : `Solar charging: ${r.mode === 'solar-only' ? 'solar only' : 'solar plus a minimum of 6 A'}${this.config.meter.kind === 'none' ? ' (no meter is set yet: the box charges at its normal limit until one is)' : ''}.`;
      case 'set-meter': {
        const meter = r.meter as LocalMeterConfig;
        if (meter.kind !== 'none') {
          try {
            new URL(meter.url);
          } catch {
            throw new ProtocolError(422, `The meter's address is not a URL: ${JSON.stringify(meter.url)}`);
          }
        }
        this.config.meter = meter;
        this.save();
        void this.meter?.close();
        this.meter = undefined;
        this.startMeter();
        return meter.kind === 'none' ? 'No meter: solar boxes charge at their normal limits.' : `Reading the grid power from ${meterWhere(meter)}.`;
      }
      case 'set-tariff': {
        const t = r.tariff as TariffSetting;
        const p = parseTariffSetting(t);
        if (!p.ok) throw new ProtocolError(422, tariffProblemsMessage(p.errors));
        this.config.tariff = t;
        this.save();
        return `Plans use ${p.mode === 'timeOfUse' ? describeTariff(p.tariff) : "each charger's own electricity price"}.`;
      }
    }
  }

  private fit(spec: CircuitSpec) {
    const limits: Record<string, number | undefined> = {};
    for (const id of spec.unitIds) limits[id] = this.opts.source.registry.get(id)?.offlineLimitA;
    return checkOfflineFit(spec, limits);
  }

  /** What smart charging does now, per box and per circuit. */
  status(): LocalSmartStatusReply {
    const now = this.opts.now();
    const ids = new Set<string>([...this.circuitOf.keys(), ...Object.keys(this.config.plans), ...Object.keys(this.config.solar)]);
    const boxes: SmartBoxState[] = [];
    for (const id of ids) {
      const st = this.states.get(id);
      if (st) boxes.push(this.withConfig(st));
      else {
        const box = this.opts.source.registry.get(id);
        const owner = box ? this.opts.source.limits.decide(box, now).amps : 0;
        boxes.push(this.withConfig({ unitId: id, limitA: owner, ownerLimitA: owner }));
      }
    }
    const tariffWords = (() => {
      if (!this.config.tariff) return "each charger's own electricity price (no tariff set)";
      const p = parseTariffSetting(this.config.tariff);
      if (!p.ok) return tariffProblemsMessage(p.errors);
      return p.mode === 'timeOfUse' ? describeTariff(p.tariff) : "each charger's own electricity price";
    })();
    return {
      boxes,
      circuits: this.config.circuits.map((c) => ({
        id: c.id,
        name: c.name,
        capacityA: c.capacityA,
        unitIds: [...c.unitIds],
        mayDrawA: this.circuits.get(c.id)?.mayDrawTotalA(now) ?? 0,
        offlineFit: this.fit(c),
      })),
      meter: {
        kind: this.config.meter.kind,
        where: meterWhere(this.config.meter),
        gridW: this.reading?.gridW,
        atS: this.reading?.atS,
        problem: this.meterProblem,
      },
      tariff: tariffWords,
    };
  }

  /** A box's state with what is set but not decided yet (a plan waiting for the car, a solar mode). */
  private withConfig(st: SmartBoxState): SmartBoxState {
    const out = { ...st };
    const mode = this.config.solar[st.unitId];
    if (!mode && out.solar) delete out.solar;
    if (mode && !out.solar) out.solar = { mode, kind: 'tracking', limitA: st.ownerLimitA };
    const plan = this.config.plans[st.unitId];
    if (!plan && out.readyBy) delete out.readyBy;
    if (plan && !out.readyBy)
      out.readyBy = {
        readyByMin: plan.readyByMin,
        energyWh: plan.energyWh,
        addedWh: 0,
        deadlineS: plan.deadlineS,
        slots: [],
        costCents: 0,
        readyAtS: plan.deadlineS,
        feasible: true,
        chargeNow: false,
      };
    const cid = this.circuitOf.get(st.unitId);
    if (!cid && out.circuit) delete out.circuit;
    return out;
  }

  /** The reason line of a box in words (for logs and tests). */
  reason(unitId: string): string | undefined {
    const st = this.states.get(unitId);
    const box = this.opts.source.registry.get(unitId);
    if (!st || !box) return undefined;
    return smartReason(st, unitZone(box.settings.info), this.opts.now())?.short;
  }
}
