import { closeOnSignals, createPool, loadConfig } from '@ree/platform'
import { buildDepositsApp } from './app.ts'
import { DepositsConfig } from './config.ts'

const config = loadConfig(DepositsConfig, process.env)
const app = await buildDepositsApp({ pool: createPool(config.DATABASE_URL, console), logLevel: config.LOG_LEVEL })
closeOnSignals(app.log, () => app.close())
await app.listen({ port: config.PORT, host: config.HOST })
