import { restrictionCommandRoutes, tradeFlowsContext } from '@ree/contracts'
import { type CommandSettings, commandRouter } from '@ree/platform'
import type pg from 'pg'
import { type RestrictionCommand, restrictionDecider } from './decide.ts'

export function restrictionRoutes(pool: pg.Pool, settings: CommandSettings = {}) {
  return commandRouter({
    pool,
    context: tradeFlowsContext,
    routes: restrictionCommandRoutes,
    decider: restrictionDecider,
    streamId: (id) => `restriction-${id}`,
    location: (id) => `/v1/restrictions/${id}`,
    toCommand: (name, restrictionId, data) => ({ type: name, restrictionId, data }) as RestrictionCommand,
    ...settings,
  })
}
