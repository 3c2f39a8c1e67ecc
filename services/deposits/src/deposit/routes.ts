import { depositCommandRoutes, depositsContext } from '@ree/contracts'
import { type CommandSettings, commandRouter } from '@ree/platform'
import type pg from 'pg'
import { type DepositCommand, depositDecider } from './decide.ts'

export function depositRoutes(pool: pg.Pool, settings: CommandSettings = {}) {
  return commandRouter({
    pool,
    context: depositsContext,
    routes: depositCommandRoutes,
    decider: depositDecider,
    streamId: (id) => `deposit-${id}`,
    location: (id) => `/v1/deposits/${id}`,
    toCommand: (name, depositId, data) => ({ type: name, depositId, data }) as DepositCommand,
    ...settings,
  })
}
