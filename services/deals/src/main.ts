import { dealsContext } from '@ree/contracts'
import { loadConfig, runWriteService } from '@ree/platform'
import { buildDealsApp } from './app.ts'
import { DealsConfig } from './config.ts'

await runWriteService({
  context: dealsContext,
  config: loadConfig(DealsConfig, process.env),
  buildApp: buildDealsApp,
})
