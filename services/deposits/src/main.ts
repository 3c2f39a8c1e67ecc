// First, so that tracing (when configured) instruments what the imports below load.
import '@ree/platform/tracing'
import { depositsContext } from '@ree/contracts'
import { loadConfig, runWriteService, startOrExplain } from '@ree/platform'
import { buildDepositsApp } from './app.ts'
import { DepositsConfig } from './config.ts'

await startOrExplain('deposits', () =>
  runWriteService({
    context: depositsContext,
    config: loadConfig(DepositsConfig, process.env),
    buildApp: buildDepositsApp,
  }),
)
