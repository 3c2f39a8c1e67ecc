import { WriteServiceConfig } from '@ree/platform'

export const DealsConfig = WriteServiceConfig(3002)
export type DealsConfig = WriteServiceConfig
