import { ConfigError, loadConfig } from './config.ts';
import { buildApp } from './http/app.ts';
import { SYSTEM_ACTOR } from './http/policy.ts';
import { openStore } from './store/database.ts';
import { migrateToLatest } from './store/migrations/index.ts';

/** Composition root: config → store → migrations → services → HTTP. */
async function main() {
  let config;
  try {
    config = loadConfig();
  } catch (e) {
    if (e instanceof ConfigError) {
      console.error(e.message);
      process.exit(2);
    }
    throw e;
  }
  const store = openStore({ databaseUrl: config.DATABASE_URL, dataDir: config.XIAOAN_DATA_DIR });
  const applied = await migrateToLatest(store.db, store.dialect);
  const { app, services } = await buildApp({ config, store });
  app.log.info({ store: store.describe, migrations: applied }, 'store ready');

  await services.org.ensureCommission(SYSTEM_ACTOR);
  const admin = await services.accounts.ensureInitialAdmin(config.XIAOAN_ADMIN_PASSWORD, SYSTEM_ACTOR);
  if (admin.generatedPassword) {
    // Printed once, to the console only; it is not stored anywhere in clear text.
    console.log(`\n  管理员账号已创建 / admin account created\n  username: admin\n  password: ${admin.generatedPassword}\n  (set XIAOAN_ADMIN_PASSWORD to choose it; change it after the first login)\n`);
  }

  if (config.XIAOAN_DEMO) {
    const { seedDemoIfEmpty } = await import('./simulator/demo-seed.ts');
    await seedDemoIfEmpty({ services, store, log: app.log });
  }

  const sessionSweep = setInterval(() => services.accounts.purgeExpiredSessions().catch((err) => app.log.warn({ err }, 'session sweep failed')), 3600_000);
  sessionSweep.unref();

  const shutdown = async (signal: string) => {
    app.log.info({ signal }, 'shutting down');
    clearInterval(sessionSweep);
    await app.close();
    await store.close();
    process.exit(0);
  };
  process.once('SIGINT', () => void shutdown('SIGINT'));
  process.once('SIGTERM', () => void shutdown('SIGTERM'));

  await app.listen({ port: config.PORT, host: config.HOST });
  app.log.info(`xiaoan 校安 listening on http://${config.HOST === '0.0.0.0' ? 'localhost' : config.HOST}:${config.PORT}  (API docs: /docs)`);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
