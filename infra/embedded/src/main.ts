import { resolve } from 'node:path'
import {
  closeOnSignals,
  EffectiveDateHorizonYears,
  LogLevel,
  loadConfig,
  loggerOptions,
  Port,
  PostgresUrl,
} from '@ree/platform'
import { pino } from 'pino'
import { z } from 'zod'
import { buildLedger } from './ledger.ts'
import { startEmbeddedPostgres } from './postgres.ts'
import { loadSeeds } from './seed.ts'

const Config = z.object({
  PORT: Port(3000),
  HOST: z.string().default('127.0.0.1'),
  LOG_LEVEL: LogLevel,
  DATA_DIR: z.string().default('.data'),
  DATABASE_URL: PostgresUrl.optional().meta({ description: 'An external PostgreSQL instead of the embedded one' }),
  SEED: z.enum(['true', 'false']).default('true'),
  EMBEDDED_POSTGRES_PORT: Port(54329),
  EFFECTIVE_DATE_HORIZON_YEARS: EffectiveDateHorizonYears,
})

const root = resolve(import.meta.dirname, '../../..')
const config = loadConfig(Config, process.env)
const logger = pino(loggerOptions(undefined, config.LOG_LEVEL))
const dataDir = resolve(root, config.DATA_DIR)

const postgres = config.DATABASE_URL
  ? undefined
  : await startEmbeddedPostgres({
      dataDir: resolve(dataDir, 'postgres'),
      port: config.EMBEDDED_POSTGRES_PORT,
      log: (line) => logger.debug(line),
    })
const ledger = await buildLedger({
  databaseUrl: config.DATABASE_URL ?? postgres?.url ?? '',
  logger,
  horizonYears: config.EFFECTIVE_DATE_HORIZON_YEARS,
})
closeOnSignals(logger, async () => {
  await ledger.close()
  await postgres?.stop()
})
if (config.SEED === 'true') {
  const seeded = await loadSeeds(ledger.gateway, resolve(root, 'seeds'))
  logger.info(seeded, 'seeds loaded')
  if (seeded.refused.length > 0) {
    logger.warn({ refused: seeded.refused }, 'these seeds were refused by the ledger as it stands and were not applied')
  }
  if (seeded.changed.length > 0) {
    logger.warn({ changed: seeded.changed }, 'these seeds changed since they were applied and were not applied again')
  }
}
const address = await ledger.gateway.listen({ port: config.PORT, host: config.HOST })
logger.info({ docs: `${address}/docs` }, 'Rare Earth Ledger is up')
process.stdout.write(`\nRare Earth Ledger is up: API docs at ${address}/docs\n\n`)
