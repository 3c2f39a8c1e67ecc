import { tradeFlowsContext } from '@ree/contracts'
import { loadConfig, runWriteService } from '@ree/platform'
import { buildTradeFlowsApp } from './app.ts'
import { TradeFlowsConfig } from './config.ts'

await runWriteService({
  context: tradeFlowsContext,
  config: loadConfig(TradeFlowsConfig, process.env),
  buildApp: buildTradeFlowsApp,
})
