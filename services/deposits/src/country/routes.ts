import { countryCommandRoutes, countryFiguresContext } from '@ree/contracts'
import { type CommandSettings, commandRouter, HttpProblem } from '@ree/platform'
import type pg from 'pg'
import type { CountryCommand } from './decide.ts'
import { countryDecider } from './decide.ts'

export function countryRoutes(pool: pg.Pool, settings: CommandSettings = {}) {
  return commandRouter({
    pool,
    context: countryFiguresContext,
    routes: countryCommandRoutes,
    decider: countryDecider,
    streamId: (id) => `country-${id}`,
    location: (id) => `/v1/countries/${id}`,
    toCommand: (name, country, { country: named, ...data }) => {
      if (named !== undefined && named !== country) {
        const message = `names ${String(named)}, but the path is about ${country}: leave it out or make it the same`
        throw new HttpProblem('validation-failed', `body.country ${message}`, {
          errors: [{ field: 'body.country', message }],
        })
      }
      return { type: name, country, data } as CountryCommand
    },
    ...settings,
  })
}
