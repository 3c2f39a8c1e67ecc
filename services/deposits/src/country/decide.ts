import { isDeepStrictEqual } from 'node:util'
import {
  type CommandData,
  type CountryEvent,
  DomainError,
  provenanceOf,
  type RecordCountryFigureBody,
  type RetractFact,
  retractionOf,
  type TimelineEntry,
} from '@ree/contracts'
import type { Decider } from '@ree/event-store'
import { type Country, evolve, figureOf, initialState } from './country.ts'

type Of<Type extends string, Data> = { type: Type; country: string; data: Data }

/** Commands are the validated bodies, with the country code resolved from the path. */
export type CountryCommand = Of<'RecordCountryFigure', Omit<CommandData<typeof RecordCountryFigureBody>, 'country'>>

/** The rule codes a client can branch on (problem `type` `/problems/<code>`). */
export const countryRules = {
  figureAlreadyRecorded: 'country-figure-already-recorded',
} as const

/**
 * The rules every fact keeps where it stands on the country's timeline. Figures
 * accumulate, and disagreeing ones stand side by side; only the very same figure from
 * the very same sources, already in force, is refused.
 */
export function check(state: Country, event: CountryEvent): void {
  switch (event.type) {
    case 'CountryFigureRecorded': {
      const recording = figureOf(event.data)
      if (state.figures.some((figure) => isDeepStrictEqual(figure, recording))) {
        const { metric, year, value, unit } = recording.figure
        throw new DomainError(
          countryRules.figureAlreadyRecorded,
          `${event.data.country} ${metric} ${year} of ${value} ${unit} is already recorded from the same sources`,
        )
      }
      return
    }
    case 'CountryFactRetracted':
      return
    default: {
      const unexpected: never = event
      throw new Error(`unhandled event ${JSON.stringify(unexpected)}`)
    }
  }
}

/** The events of a command: a figure recorded is one event, judged on the command's date. */
export function decide(command: CountryCommand, _state: Country): CountryEvent[] {
  switch (command.type) {
    case 'RecordCountryFigure': {
      const { year, metric, stage, scope, value, unit, bound, kind, publication, ...rest } = command.data
      const data: Extract<CountryEvent, { type: 'CountryFigureRecorded' }>['data'] = {
        country: command.country,
        year,
        metric,
        value,
        unit,
        bound,
        kind,
        ...(stage === undefined ? {} : { stage }),
        ...(scope === undefined ? {} : { scope }),
        ...(publication === undefined ? {} : { publication }),
        ...provenanceOf(rest),
      }
      return [{ type: 'CountryFigureRecorded', data }]
    }
    default: {
      const unexpected: never = command.type
      throw new Error(`unhandled command ${JSON.stringify(unexpected)}`)
    }
  }
}

export function retract(command: RetractFact, target: TimelineEntry<CountryEvent>): CountryEvent {
  return {
    type: 'CountryFactRetracted',
    data: { country: target.event.data.country, ...retractionOf(command, target) },
  }
}

export const countryDecider: Decider<CountryCommand, CountryEvent, Country> = {
  initialState,
  evolve,
  decide,
  check,
  retract,
}
