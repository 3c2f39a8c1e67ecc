import { dealCommandRoutes, dealsContext } from '@ree/contracts'
import { commandRouter } from '@ree/platform'
import type pg from 'pg'
import { type DealCommand, dealDecider } from './decide.ts'

export function dealRoutes(pool: pg.Pool, horizonYears?: number) {
  return commandRouter({
    pool,
    context: dealsContext,
    routes: dealCommandRoutes,
    decider: dealDecider,
    streamId: (id) => `deal-${id}`,
    location: (id) => `/v1/deals/${id}`,
    toCommand: (name, dealId, data) => ({ type: name, dealId, data }) as DealCommand,
    horizonYears,
  })
}
