// The MQTT side as the server starts it: the bridge over the server's own parts, and the hooks the
// server calls (a report answered, a command run, a box silent or back).
import { isWriteCommand, type Command } from '../../api/types';
import type { JuiceNetProtocol } from '../../server/protocol';
import type { UnitSource } from '../../server/types';
import { MqttBridge, type MqttStatus } from './bridge';
import { ServerForMqtt } from './host';
import type { MqttOptions } from './options';

export interface LocalMqtt {
  bridge: MqttBridge;
  status(): MqttStatus;
  reportReceived(unitId: string, datagram: Uint8Array): void;
  /** A command ran successfully over HTTP. */
  commandRan(cmd: unknown): void;
  boxEvent(unitId: string, event: string): void;
  close(): Promise<void>;
}

export function startMqtt(parts: {
  options: MqttOptions;
  protocol: JuiceNetProtocol;
  source: UnitSource;
  accountToken: string;
  now: () => number;
  log: (line: string) => void;
}): LocalMqtt {
  const host = new ServerForMqtt({ protocol: parts.protocol, source: parts.source, accountToken: parts.accountToken, now: parts.now });
  const bridge = new MqttBridge(host, { ...parts.options, log: parts.log });
  bridge.start();
  return {
    bridge,
    status: () => bridge.status,
    reportReceived: (unitId, datagram) => host.reportReceived(unitId, datagram),
    commandRan: (cmd) => {
      if (typeof cmd === 'string' && isWriteCommand(cmd as Command)) host.commandRan();
    },
    boxEvent: (unitId, event) => {
      if (event === 'is_offline') host.availabilityChanged(unitId, false);
      else if (event === 'is_back_online') host.availabilityChanged(unitId, true);
    },
    close: () => bridge.close(),
  };
}
