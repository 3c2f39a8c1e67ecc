// First, so that tracing (when configured) instruments what the imports below load.
import '@ree/platform/tracing'
import { dealsContext } from '@ree/contracts'
import { loadConfig, runWriteService, startOrExplain } from '@ree/platform'
import { buildDealsApp } from './app.ts'
import { DealsConfig } from './config.ts'

await startOrExplain('deals', () =>
  runWriteService({
    context: dealsContext,
    config: loadConfig(DealsConfig, process.env),
    buildApp: buildDealsApp,
  }),
)
