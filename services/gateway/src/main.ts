import { closeOnSignals, createPool, loadConfig } from '@ree/platform'
import { buildGatewayApp } from './app.ts'
import { httpCommandClient } from './commandClient.ts'
import { GatewayConfig } from './config.ts'

const config = loadConfig(GatewayConfig, process.env)
const pool = createPool(config.DATABASE_URL, console)
const app = await buildGatewayApp({
  pool,
  commands: {
    deposits: httpCommandClient(config.DEPOSITS_URL),
    deals: httpCommandClient(config.DEALS_URL),
    tradeFlows: httpCommandClient(config.TRADE_FLOWS_URL),
  },
  logLevel: config.LOG_LEVEL,
})
closeOnSignals(app.log, async () => {
  await app.close()
  await pool.end()
})
await app.listen({ port: config.PORT, host: config.HOST })
