import { WriteServiceConfig } from '@ree/platform'

export const DepositsConfig = WriteServiceConfig(3001)
export type DepositsConfig = WriteServiceConfig
