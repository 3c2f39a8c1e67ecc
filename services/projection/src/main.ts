// First, so that tracing (when configured) instruments what the imports below load.
import '@ree/platform/tracing'
import { ledgerContexts } from '@ree/contracts'
import { closeOnSignals, createLogger, createPool, listenOrExplain, loadConfig, startOrExplain } from '@ree/platform'
import { createKafka, ensureTopics, kafkaTransport, parseBrokers, postgresLogTransport } from '@ree/transport'
import { buildProjectionApp } from './app.ts'
import { ProjectionConfig } from './config.ts'

await startOrExplain('projection', async () => {
  const config = loadConfig(ProjectionConfig, process.env)
  const logger = createLogger('projection', config)
  const pool = createPool(config.DATABASE_URL, logger)

  async function transportFromConfig() {
    if (!config.KAFKA_BROKERS)
      return postgresLogTransport({ pool, subscription: 'read-models', sources: [...ledgerContexts], logger })
    const kafka = createKafka({ brokers: parseBrokers(config.KAFKA_BROKERS), clientId: 'ree-projection', logger })
    const topics = ledgerContexts.map((context) => context.topic)
    await ensureTopics(kafka, topics, { partitions: config.KAFKA_PARTITIONS })
    return kafkaTransport({
      kafka,
      pool,
      groupId: config.KAFKA_GROUP_ID,
      topics,
      logger,
      sessionTimeoutMs: config.KAFKA_SESSION_TIMEOUT_MS,
      heartbeatIntervalMs: config.KAFKA_HEARTBEAT_INTERVAL_MS,
    })
  }

  const app = await buildProjectionApp({
    pool,
    transport: await transportFromConfig(),
    subscription: config.KAFKA_BROKERS ? config.KAFKA_GROUP_ID : 'read-models',
    maxLag: config.PROJECTION_MAX_LAG,
    logger,
  })
  closeOnSignals(logger, async () => {
    await app.close()
    await pool.end()
  })
  await listenOrExplain(app, { port: config.PORT, host: config.HOST })
})
