// First, so that tracing (when configured) instruments what the imports below load.
import '@ree/platform/tracing'
import { closeOnSignals, createLogger, createPool, listenOrExplain, loadConfig, startOrExplain } from '@ree/platform'
import { buildGatewayApp } from './app.ts'
import { httpCommandClient } from './commandClient.ts'
import { GatewayConfig } from './config.ts'

await startOrExplain('gateway', async () => {
  const config = loadConfig(GatewayConfig, process.env)
  const logger = createLogger('gateway', config)
  const pool = createPool(config.DATABASE_URL, logger)
  const app = await buildGatewayApp({
    pool,
    commands: {
      deposits: httpCommandClient(config.DEPOSITS_URL),
      deals: httpCommandClient(config.DEALS_URL),
      tradeFlows: httpCommandClient(config.TRADE_FLOWS_URL),
    },
    logger,
  })
  closeOnSignals(logger, async () => {
    await app.close()
    await pool.end()
  })
  await listenOrExplain(app, { port: config.PORT, host: config.HOST })
})
