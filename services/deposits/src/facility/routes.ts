import { facilitiesContext, facilityCommandRoutes } from '@ree/contracts'
import { type CommandSettings, commandRouter } from '@ree/platform'
import type pg from 'pg'
import { type FacilityCommand, facilityDecider } from './decide.ts'

export function facilityRoutes(pool: pg.Pool, settings: CommandSettings = {}) {
  return commandRouter({
    pool,
    context: facilitiesContext,
    routes: facilityCommandRoutes,
    decider: facilityDecider,
    streamId: (id) => `facility-${id}`,
    location: (id) => `/v1/facilities/${id}`,
    toCommand: (name, facilityId, data) => ({ type: name, facilityId, data }) as FacilityCommand,
    ...settings,
  })
}
