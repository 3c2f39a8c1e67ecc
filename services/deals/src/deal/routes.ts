import { dealCommandRoutes, dealsContext } from '@ree/contracts'
import { type CommandSettings, commandRouter } from '@ree/platform'
import type pg from 'pg'
import { type DealCommand, dealDecider } from './decide.ts'

export function dealRoutes(pool: pg.Pool, settings: CommandSettings = {}) {
  return commandRouter({
    pool,
    context: dealsContext,
    routes: dealCommandRoutes,
    decider: dealDecider,
    streamId: (id) => `deal-${id}`,
    location: (id) => `/v1/deals/${id}`,
    toCommand: (name, dealId, data) => ({ type: name, dealId, data }) as DealCommand,
    ...settings,
  })
}
