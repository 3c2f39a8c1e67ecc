import { depositsContext } from '@ree/contracts'
import { closeOnSignals, createPool, loadConfig, loggerOptions } from '@ree/platform'
import { postgresLogTransport } from '@ree/transport'
import { pino } from 'pino'
import { buildProjectionApp } from './app.ts'
import { ProjectionConfig } from './config.ts'

const config = loadConfig(ProjectionConfig, process.env)
const logger = pino(loggerOptions('projection', config.LOG_LEVEL))
const pool = createPool(config.DATABASE_URL, logger)
const transport = postgresLogTransport({
  pool,
  subscription: 'read-models',
  sources: [depositsContext],
  logger,
})
const app = await buildProjectionApp({ pool, transport, logger })
closeOnSignals(app.log, async () => {
  await app.close()
  await pool.end()
})
await app.listen({ port: config.PORT, host: config.HOST })
