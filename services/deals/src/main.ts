import { dealsContext } from '@ree/contracts'
import { closeOnSignals, createPool, loadConfig, loggerOptions } from '@ree/platform'
import { relayToKafka } from '@ree/transport'
import { pino } from 'pino'
import { buildDealsApp } from './app.ts'
import { DealsConfig } from './config.ts'

const config = loadConfig(DealsConfig, process.env)
const logger = pino(loggerOptions('deals', config.LOG_LEVEL))
const pool = createPool(config.DATABASE_URL, logger)
const app = await buildDealsApp({ pool, logger })
const relay = config.KAFKA_BROKERS
  ? await relayToKafka({
      pool,
      context: dealsContext,
      brokers: config.KAFKA_BROKERS,
      partitions: config.KAFKA_PARTITIONS,
      logger,
    })
  : undefined
closeOnSignals(logger, async () => {
  await app.close()
  await relay?.stop()
  await pool.end()
})
await app.listen({ port: config.PORT, host: config.HOST })
