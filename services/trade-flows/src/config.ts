import { WriteServiceConfig } from '@ree/platform'

export const TradeFlowsConfig = WriteServiceConfig(3003)
export type TradeFlowsConfig = WriteServiceConfig
