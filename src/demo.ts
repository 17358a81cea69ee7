// The demo: a simulator of three chargers in the extension host, on a loopback port, for this
// window session only. The simulator is its own bundle (dist/simulator.js, see esbuild.mjs),
// required on first use: activation neither loads nor parses it.
//
// The one seam between the extension and the server program (eslint.config.mjs allows it here
// only): the demo runs the simulator in this process, so that it starts in milliseconds and the
// host tests can drive its chargers (plug in, fault, advance time) through RunningSimulator.
// Everything else reaches a server over HTTP, or runs it as a child process (JuiceNet Local).
import { join } from 'node:path';
import type { DemoController } from './commands/run';
import type { Logger } from './state/contracts';
import type { RunningSimulator } from './simulator';

/** The running demo, as the host tests drive it. */
export type DemoSimulator = RunningSimulator;

const DEMO_UNITS = 3;
/** One real second is a simulated minute: the demo shows plug-ins and sessions in minutes. */
const DEMO_SPEED = 60;
/** A year of charging history per charger, so that the Insights have something to show. */
const DEMO_HISTORY_DAYS = 365;

function loadSimulator(): typeof import('./simulator') {
  // A path esbuild cannot follow, on purpose: the simulator stays out of the extension bundle.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return require(join(__dirname, 'simulator.js'));
}

/** `onDidChange` runs after the demo simulator started or stopped. */
export function createDemoController(log: Logger, onDidChange: () => void): DemoController<DemoSimulator> {
  let sim: RunningSimulator | undefined;
  return {
    get running() {
      return sim;
    },
    async start() {
      if (sim) return sim;
      sim = await loadSimulator().startSimulator({ units: DEMO_UNITS, speed: DEMO_SPEED, host: '127.0.0.1', port: 0, historyDays: DEMO_HISTORY_DAYS });
      onDidChange();
      return sim;
    },
    async stop() {
      const s = sim;
      sim = undefined;
      if (s) {
        await s.close().catch((e: unknown) => log.warn(`Stopping the demo simulator: ${String(e)}`));
        log.info('Demo simulator stopped.');
        onDidChange();
      }
    },
  };
}
