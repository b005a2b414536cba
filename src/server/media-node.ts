/**
 * `npm run media-node`: a media node, the process that receives and remuxes GB/T 28181 video for
 * an API process configured with XIAOAN_MEDIA_NODE_URL (adapters/media/media-node-server.ts).
 * Reads the same configuration as the platform: XIAOAN_MEDIA_NODE_SECRET (required),
 * XIAOAN_MEDIA_NODE_HOST and XIAOAN_MEDIA_NODE_PORT.
 */
import { startMediaNode } from './adapters/media/media-node-server.ts';
import { ConfigError, loadConfig, type Config } from './config.ts';

const stamp = () => new Date().toISOString();

async function main() {
  let config: Config;
  try {
    config = loadConfig();
  } catch (e) {
    if (!(e instanceof ConfigError)) throw e;
    console.error(e.message);
    process.exit(2);
  }
  if (!config.XIAOAN_MEDIA_NODE_SECRET) {
    console.error('Invalid configuration:\n  XIAOAN_MEDIA_NODE_SECRET: a media node needs the secret its API process connects with (at least 16 characters)');
    process.exit(2);
  }
  const node = await startMediaNode({
    host: config.XIAOAN_MEDIA_NODE_HOST,
    port: config.XIAOAN_MEDIA_NODE_PORT,
    secret: config.XIAOAN_MEDIA_NODE_SECRET,
    log: (line) => console.log(`${stamp()} ${line}`),
  });
  // Supervisors and tests read the port from this line (XIAOAN_MEDIA_NODE_PORT=0 picks a free one).
  console.log(`${stamp()} xiaoan media node listening on ws://${config.XIAOAN_MEDIA_NODE_HOST}:${node.port}`);
  const stop = () => void node.close().then(() => process.exit(0));
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
}

void main();
