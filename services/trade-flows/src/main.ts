// First, so that tracing (when configured) instruments what the imports below load.
import '@ree/platform/tracing'
import { tradeFlowsContext } from '@ree/contracts'
import { loadConfig, runWriteService, startOrExplain } from '@ree/platform'
import { buildTradeFlowsApp } from './app.ts'
import { TradeFlowsConfig } from './config.ts'

await startOrExplain('trade-flows', () =>
  runWriteService({
    context: tradeFlowsContext,
    config: loadConfig(TradeFlowsConfig, process.env),
    buildApp: buildTradeFlowsApp,
  }),
)
