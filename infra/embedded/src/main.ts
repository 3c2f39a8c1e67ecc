// First, so that tracing (when configured) instruments what the imports below load.
import '@ree/platform/tracing'
import { relative, resolve } from 'node:path'
import {
  closeOnSignals,
  createLogger,
  EffectiveDateHorizonYears,
  LogFormat,
  LogLevel,
  listenOrExplain,
  loadConfig,
  logFormat,
  Port,
  PostgresUrl,
  StartError,
  startOrExplain,
} from '@ree/platform'
import { TrustConfig, trustOptionsFrom } from '@ree/gateway'
import { z } from 'zod'
import { FIRST_START_KEYS, firstStartKeysText, keysForFirstStart } from './keys.ts'
import { buildLedger } from './ledger.ts'
import { freePort, PostgresPortInUseError, portIsFree, startEmbeddedPostgres } from './postgres.ts'
import { loadSeeds } from './seed.ts'

const DEFAULT_POSTGRES_PORT = 54329

const Config = z.object({
  PORT: Port(3000),
  HOST: z.string().default('127.0.0.1'),
  LOG_LEVEL: LogLevel.unwrap().optional(),
  LOG_FORMAT: LogFormat,
  DATA_DIR: z.string().default('.data'),
  DATABASE_URL: PostgresUrl.optional().meta({ description: 'An external PostgreSQL instead of the embedded one' }),
  SEED: z.enum(['true', 'false']).default('true'),
  EMBEDDED_POSTGRES_PORT: Port(DEFAULT_POSTGRES_PORT).unwrap().optional(),
  PROJECTION_MAX_LAG: z.coerce.number().int().min(0).default(10_000),
  EFFECTIVE_DATE_HORIZON_YEARS: EffectiveDateHorizonYears,
  ...TrustConfig.shape,
  API_KEYS_FILE: z.string().optional().meta({ description: 'Default: api-keys.json in DATA_DIR' }),
})

const root = resolve(import.meta.dirname, '../../..')

await startOrExplain('Rare Earth Ledger', async () => {
  const config = loadConfig(Config, process.env)
  const format = logFormat(config.LOG_FORMAT)
  // A person at a terminal gets a few lines; the request log is for machines (LOG_FORMAT=json).
  const logger = createLogger(undefined, { LOG_LEVEL: config.LOG_LEVEL ?? (format === 'text' ? 'warn' : 'info'), LOG_FORMAT: format })
  const say = (line: string, fields: object = {}) =>
    format === 'text' ? process.stdout.write(`${line}\n`) : logger.info(fields, line)
  const dataDir = resolve(root, config.DATA_DIR)
  if (!(await portIsFree(config.PORT, config.HOST))) {
    throw new StartError(`port ${config.PORT} on ${config.HOST} is already in use; set PORT to a free port`)
  }

  let postgresPort = config.DATABASE_URL ? 0 : await embeddedPostgresPort(config.EMBEDDED_POSTGRES_PORT)
  const startPostgres = () =>
    startEmbeddedPostgres({ dataDir: resolve(dataDir, 'postgres'), port: postgresPort, log: (line) => logger.debug(line) })
  const postgres = config.DATABASE_URL
    ? undefined
    : await startPostgres().catch(async (error: unknown) => {
        // Another ledger starting at the same moment took the port between the look and the start.
        if (config.EMBEDDED_POSTGRES_PORT !== undefined || (await portIsFree(postgresPort))) throw error
        postgresPort = await freePort()
        return startPostgres()
      })
  if (format === 'text') say('Rare Earth Ledger')
  say(
    postgres
      ? `  database  embedded PostgreSQL on 127.0.0.1:${postgresPort}, data in ${relative(root, resolve(dataDir, 'postgres')) || '.'}`
      : '  database  external PostgreSQL (DATABASE_URL)',
    { postgresPort: postgres ? postgresPort : undefined },
  )
  const keysFile = resolve(root, config.API_KEYS_FILE ?? resolve(dataDir, 'api-keys.json'))
  const { keys, issued } = await keysForFirstStart({ ...config, API_KEYS_FILE: keysFile }, logger)
  if (issued.length > 0) {
    // Shown once, in the run's format: a block at a terminal, one JSON line for a log collector
    // (at warn, so that no log level hides the only copy).
    if (format === 'text') process.stdout.write(`\n${firstStartKeysText(issued).join('\n')}\n\n`)
    else logger.warn({ apiKeys: Object.fromEntries(issued.map(({ role, key }) => [role, key])) }, FIRST_START_KEYS)
  }
  const ledger = await buildLedger({
    databaseUrl: config.DATABASE_URL ?? postgres?.url ?? '',
    logger,
    keys,
    trust: trustOptionsFrom(config, keys),
    maxLag: config.PROJECTION_MAX_LAG,
    horizonYears: config.EFFECTIVE_DATE_HORIZON_YEARS,
  })
  closeOnSignals(logger, async () => {
    await ledger.close()
    await postgres?.stop()
  })
  say('  services  deposits, deals, trade-flows, projection (Postgres log), gateway — one process')
  if (config.SEED === 'true') {
    const seeded = await loadSeeds(ledger.gateway, resolve(root, 'seeds'), ledger.seedKey)
    say(
      `  seeds     ${seeded.applied} applied, ${seeded.replayed} already there, ${seeded.refused.length} refused, ${seeded.changed.length} changed since applied`,
      seeded,
    )
    if (seeded.refused.length > 0) {
      logger.warn({ refused: seeded.refused }, 'these seeds were refused by the ledger as it stands and were not applied')
    }
    if (seeded.changed.length > 0) {
      logger.warn({ changed: seeded.changed }, 'these seeds changed since they were applied and were not applied again')
    }
  } else {
    say('  seeds     skipped (SEED=false)')
  }
  const address = await listenOrExplain(ledger.gateway, { port: config.PORT, host: config.HOST })
  say(`  health    ${address}/health/ready   metrics ${address}/metrics`)
  say(`Rare Earth Ledger is up: API docs at ${address}/docs`, { docs: `${address}/docs` })
})

/** The port asked for; else the default one, or a free one when another server already has it. */
async function embeddedPostgresPort(asked: number | undefined): Promise<number> {
  if (asked !== undefined) {
    if (!(await portIsFree(asked))) throw new PostgresPortInUseError(asked)
    return asked
  }
  return (await portIsFree(DEFAULT_POSTGRES_PORT)) ? DEFAULT_POSTGRES_PORT : freePort()
}
