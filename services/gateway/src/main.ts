// First, so that tracing (when configured) instruments what the imports below load.
import '@ree/platform/tracing'
import { closeOnSignals, createLogger, createPool, listenOrExplain, loadConfig, startOrExplain } from '@ree/platform'
import { buildGatewayApp } from './app.ts'
import { httpCommandClient } from './commandClient.ts'
import { GatewayConfig } from './config.ts'
import { keyStoreFrom, trustOptionsFrom } from './trust/config.ts'

await startOrExplain('gateway', async () => {
  const config = loadConfig(GatewayConfig, process.env)
  const logger = createLogger('gateway', config)
  const pool = createPool(config.DATABASE_URL, logger)
  const keys = keyStoreFrom(config, (error) =>
    logger.error({ err: error }, 'the keys file could not be read again; the keys loaded before stay'),
  )
  const app = await buildGatewayApp({
    pool,
    commands: {
      deposits: httpCommandClient(config.DEPOSITS_URL, config.UPSTREAM_TIMEOUT_MS),
      deals: httpCommandClient(config.DEALS_URL, config.UPSTREAM_TIMEOUT_MS),
      tradeFlows: httpCommandClient(config.TRADE_FLOWS_URL, config.UPSTREAM_TIMEOUT_MS),
    },
    trust: trustOptionsFrom(config, keys),
    logger,
  })
  closeOnSignals(logger, async () => {
    await app.close()
    keys.close()
    await pool.end()
  })
  await listenOrExplain(app, { port: config.PORT, host: config.HOST })
})
