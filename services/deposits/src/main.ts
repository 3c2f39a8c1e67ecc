import { depositsContext } from '@ree/contracts'
import { closeOnSignals, createPool, loadConfig, loggerOptions } from '@ree/platform'
import { relayToKafka } from '@ree/transport'
import { pino } from 'pino'
import { buildDepositsApp } from './app.ts'
import { DepositsConfig } from './config.ts'

const config = loadConfig(DepositsConfig, process.env)
const logger = pino(loggerOptions('deposits', config.LOG_LEVEL))
const pool = createPool(config.DATABASE_URL, logger)
const app = await buildDepositsApp({ pool, logger })
const relay = config.KAFKA_BROKERS
  ? await relayToKafka({ pool, context: depositsContext, brokers: config.KAFKA_BROKERS, partitions: config.KAFKA_PARTITIONS, logger })
  : undefined
closeOnSignals(logger, async () => {
  await app.close()
  await relay?.stop()
  await pool.end()
})
await app.listen({ port: config.PORT, host: config.HOST })
