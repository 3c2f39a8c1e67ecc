import {
  type CloudEvent,
  CountryCode,
  CountryMetric,
  countryFiguresContext,
  countryName,
  decodeEvent,
  FigureUnit,
  SupplyChainStage,
} from '@ree/contracts'
import { z } from 'zod'
import { definedFields, Fact, factOf } from '../fact.ts'

export const CountryFigureView = z
  .object({
    metric: CountryMetric,
    year: z.number().int(),
    value: z.number(),
    unit: FigureUnit,
    bound: z.enum(['exact', 'approximately', 'at-least']),
    kind: z.enum(['reported', 'projected']),
    stage: SupplyChainStage.optional(),
    scope: z.string().optional(),
    publication: z.string().optional(),
    eventId: z.string().meta({ description: 'The event that recorded it: what a retraction names' }),
  })
  .extend(Fact.shape)
  .meta({
    id: 'CountryFigureView',
    examples: [
      {
        metric: 'mine-production',
        year: 2024,
        value: 270000,
        unit: 't REO',
        bound: 'exact',
        kind: 'reported',
        publication: 'USGS Mineral Commodity Summaries 2025',
        eventId: '0b6f2f0e-4b7a-4d0c-9a51-2f4c8a1d9e10',
        effectiveDate: '2025-01-31',
        datePrecision: 'month',
        sources: [{ publisher: 'USGS', url: 'https://pubs.usgs.gov/periodicals/mcs2025/mcs2025-rare-earths.pdf' }],
        confidence: 'low',
        note: 'USGS estimates China mined 270,000 t REO in 2024, of a world total of 390,000 t.',
        recordedAt: '2026-12-03T06:40:00.000Z',
      },
    ],
  })
export type CountryFigureView = z.output<typeof CountryFigureView>

export const CountryFiguresView = z
  .object({
    id: CountryCode,
    country: CountryCode,
    countryName: z.string(),
    figures: z
      .array(CountryFigureView)
      .meta({ description: 'Every figure in force, in valid-time order; disagreeing figures stand side by side' }),
    version: z.number().int().meta({ description: "Stream version of the country's figures" }),
    lastRecordedAt: z.string(),
  })
  .meta({ id: 'CountryFigures' })
export type CountryFiguresView = z.output<typeof CountryFiguresView>

/** The country's figures as its timeline stands; the timeline leaves retracted figures out before folding. */
export function evolveCountryFiguresView(
  view: CountryFiguresView | undefined,
  event: CloudEvent,
): CountryFiguresView | undefined {
  const domainEvent = decodeEvent(countryFiguresContext, event)
  switch (domainEvent.type) {
    case 'CountryFigureRecorded': {
      const { country, metric, year, value, unit, bound, kind } = domainEvent.data
      const figure: CountryFigureView = {
        metric,
        year,
        value,
        unit,
        bound,
        kind,
        ...definedFields(domainEvent.data, ['stage', 'scope', 'publication']),
        eventId: event.id,
        ...factOf(event, domainEvent.data),
      }
      const base = view ?? { id: country, country, countryName: countryName(country), figures: [] }
      return {
        ...base,
        figures: [...base.figures, figure],
        version: event.streamversion,
        lastRecordedAt: event.time,
      }
    }
    case 'CountryFactRetracted':
      return view
    default: {
      const unexpected: never = domainEvent
      throw new Error(`unhandled event ${JSON.stringify(unexpected)}`)
    }
  }
}
