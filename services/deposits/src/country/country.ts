import type { CountryEvent, CountryFigure } from '@ree/contracts'

/** A figure in force, with the sources it was recorded from: what a new figure is compared with. */
export interface FigureInForce {
  figure: CountryFigure
  sourceUrls: string[]
}

/**
 * What the decider needs to know about a country, as of a date. A country is not
 * created: every assigned ISO code exists, so its state is recorded from the start.
 */
export interface Country {
  recorded: true
  figures: FigureInForce[]
}

export const initialState: Country = { recorded: true, figures: [] }

/** One step along the country's timeline (valid time). */
export function evolve(state: Country, event: CountryEvent): Country {
  switch (event.type) {
    case 'CountryFigureRecorded':
      return { ...state, figures: [...state.figures, figureOf(event.data)] }
    case 'CountryFactRetracted':
      return state
    default: {
      const unexpected: never = event
      throw new Error(`unhandled event ${JSON.stringify(unexpected)}`)
    }
  }
}

/** The figure an event records, less its provenance, and the sources it names. */
export function figureOf(data: Extract<CountryEvent, { type: 'CountryFigureRecorded' }>['data']): FigureInForce {
  const { country, year, metric, stage, scope, value, unit, bound, kind, publication } = data
  const figure: CountryFigure = { country, year, metric, value, unit, bound, kind }
  if (stage !== undefined) figure.stage = stage
  if (scope !== undefined) figure.scope = scope
  if (publication !== undefined) figure.publication = publication
  return { figure, sourceUrls: data.sources.map((source) => source.url ?? source.publisher).sort() }
}
