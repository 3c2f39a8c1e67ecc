import { depositsContext } from '@ree/contracts'
import { loadConfig, runWriteService } from '@ree/platform'
import { buildDepositsApp } from './app.ts'
import { DepositsConfig } from './config.ts'

await runWriteService({
  context: depositsContext,
  config: loadConfig(DepositsConfig, process.env),
  buildApp: buildDepositsApp,
})
