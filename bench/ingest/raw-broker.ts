/**
 * A bare aedes broker in its own process, for the "raw broker" reference figure of the ingest
 * benchmark: no authentication, no authorisation hooks, no processing of the messages — a
 * QoS 1 PUBLISH is acknowledged as soon as aedes has handled it. Same aedes version and the same
 * `concurrency` as xiaoan's built-in broker (src/server/adapters/mqtt/broker.ts), so the only
 * difference is the work xiaoan does before the PUBACK.
 *
 * Started by bench/ingest/run.ts with fork(); listens on 127.0.0.1, a free port, and sends
 * { type: 'listening', port } over IPC. Stops on SIGTERM or when the parent goes away.
 */
import { createServer } from 'node:net';
import { parseArgs } from 'node:util';
import { Aedes } from 'aedes';
import type { BrokerReply } from './protocol.ts';

const { values: args } = parseArgs({ options: { concurrency: { type: 'string', default: '1000' } }, strict: true });

const broker = new Aedes({ concurrency: Number(args.concurrency) });
await broker.listen();
const server = createServer(broker.handle);
server.listen(0, '127.0.0.1', () => {
  const a = server.address();
  const port = typeof a === 'object' && a ? a.port : 0;
  const msg: BrokerReply = { type: 'listening', port, pid: process.pid };
  if (process.send) process.send(msg);
  else console.log(`raw aedes broker on mqtt://127.0.0.1:${port}`);
});

const stop = () => {
  server.close();
  broker.close(() => process.exit(0));
  setTimeout(() => process.exit(0), 2000).unref();
};
process.once('SIGTERM', stop);
process.once('SIGINT', stop);
process.on('disconnect', stop); // the orchestrator died
