// The MQTT side as the server starts it: the bridge over the server's own parts (it listens to the
// box registry's events), and the one hook the server calls: a command that wrote, over HTTP.
import { isWriteCommand, type Command } from '../../api/types';
import type { JuiceNetProtocol } from '../../server/protocol';
import type { LocalSource } from '../source';
import type { LocalMqttStatus } from '../../api/local-contract';
import { MqttBridge } from './bridge';
import { ServerForMqtt } from './host';
import type { MqttOptions } from './options';

export interface LocalMqtt {
  bridge: MqttBridge;
  status(): LocalMqttStatus;
  /** A command ran successfully over HTTP. */
  commandRan(cmd: unknown): void;
  close(): Promise<void>;
}

export function startMqtt(parts: {
  options: MqttOptions;
  protocol: JuiceNetProtocol;
  source: LocalSource;
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
    commandRan: (cmd) => {
      if (typeof cmd === 'string' && isWriteCommand(cmd as Command)) host.commandRan();
    },
    close: async () => {
      host.dispose();
      await bridge.close();
    },
  };
}
