import { ledgerContexts } from '@ree/contracts'
import { closeOnSignals, createPool, loadConfig, loggerOptions } from '@ree/platform'
import { createKafka, ensureTopics, kafkaTransport, parseBrokers, postgresLogTransport } from '@ree/transport'
import { pino } from 'pino'
import { buildProjectionApp } from './app.ts'
import { ProjectionConfig } from './config.ts'

const config = loadConfig(ProjectionConfig, process.env)
const logger = pino(loggerOptions('projection', config.LOG_LEVEL))
const pool = createPool(config.DATABASE_URL, logger)

async function transportFromConfig() {
  if (!config.KAFKA_BROKERS)
    return postgresLogTransport({ pool, subscription: 'read-models', sources: [...ledgerContexts], logger })
  const kafka = createKafka({ brokers: parseBrokers(config.KAFKA_BROKERS), clientId: 'ree-projection', logger })
  const topics = ledgerContexts.map((context) => context.topic)
  await ensureTopics(kafka, topics, { partitions: config.KAFKA_PARTITIONS })
  return kafkaTransport({ kafka, pool, groupId: config.KAFKA_GROUP_ID, topics, logger })
}

const app = await buildProjectionApp({ pool, transport: await transportFromConfig(), logger })
closeOnSignals(logger, async () => {
  await app.close()
  await pool.end()
})
await app.listen({ port: config.PORT, host: config.HOST })
