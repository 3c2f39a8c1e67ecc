import { tradeFlowsContext } from '@ree/contracts'
import { closeOnSignals, createPool, loadConfig, loggerOptions } from '@ree/platform'
import { relayToKafka } from '@ree/transport'
import { pino } from 'pino'
import { buildTradeFlowsApp } from './app.ts'
import { TradeFlowsConfig } from './config.ts'

const config = loadConfig(TradeFlowsConfig, process.env)
const logger = pino(loggerOptions('trade-flows', config.LOG_LEVEL))
const pool = createPool(config.DATABASE_URL, logger)
const app = await buildTradeFlowsApp({ pool, logger })
const relay = config.KAFKA_BROKERS
  ? await relayToKafka({
      pool,
      context: tradeFlowsContext,
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
