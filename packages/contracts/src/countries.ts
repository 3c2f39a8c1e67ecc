import { z } from 'zod'
import { type ContextDefinition, type DomainEventOf, defineEvent } from './catalog.ts'
import { defineCommandRoutes } from './commandRoutes.ts'
import {
  CommandProvenance,
  CountryCode,
  MAX_QUANTITY,
  Provenance,
  RetractFactBody,
  RetractionFields,
  SupplyChainStage,
} from './common.ts'
import { depositsContext } from './deposits.ts'

export const CountryMetric = z.enum(['mine-production', 'reserves', 'share-of-world']).meta({
  id: 'CountryMetric',
  description:
    '`mine-production` in a year and `reserves` in t REO; `share-of-world`: the percent of world output at one supply-chain stage',
})
export type CountryMetric = z.infer<typeof CountryMetric>

export const FigureUnit = z.enum(['t REO', 'percent']).meta({ id: 'FigureUnit' })

/** The unit each metric is stated in. */
export const unitOfMetric: Record<CountryMetric, z.infer<typeof FigureUnit>> = {
  'mine-production': 't REO',
  reserves: 't REO',
  'share-of-world': 'percent',
}

const figureFields = {
  country: CountryCode,
  year: z
    .number()
    .int()
    .min(1800)
    .max(2200)
    .meta({ description: 'The year the figure is for (not when it was published)', examples: [2024] }),
  metric: CountryMetric,
  stage: SupplyChainStage.optional().meta({ description: 'Required for `share-of-world`, refused otherwise' }),
  scope: z
    .string()
    .trim()
    .min(1)
    .max(200)
    .optional()
    .meta({
      description: 'What within the stage the figure covers, where the source narrows it',
      examples: ['high-strength magnets'],
    }),
  value: z
    .number()
    .gt(0)
    .max(MAX_QUANTITY)
    .meta({ description: 'Above zero; a share at most 100', examples: [270000] }),
  unit: FigureUnit,
  bound: z
    .enum(['exact', 'approximately', 'at-least'])
    .default('exact')
    .meta({ description: 'How the source states it: "~95 %" is `approximately`' }),
  kind: z
    .enum(['reported', 'projected'])
    .default('reported')
    .meta({ description: '`projected`: a forecast for the year, not a measurement' }),
  publication: z
    .string()
    .trim()
    .min(1)
    .max(300)
    .optional()
    .meta({ examples: ['USGS Mineral Commodity Summaries 2025'] }),
}

type FigureInput = {
  metric: CountryMetric
  stage?: SupplyChainStage | undefined
  unit: string
  value: number
}

/** The rules a figure keeps by itself, as zod refinements naming the field they concern. */
function refineFigure<Schema extends z.ZodType<FigureInput>>(schema: Schema) {
  return schema
    .refine((figure) => figure.unit === unitOfMetric[figure.metric], {
      message: 'does not fit the metric: mine-production and reserves are in "t REO", share-of-world in "percent"',
      path: ['unit'],
    })
    .refine((figure) => figure.metric !== 'share-of-world' || figure.value <= 100, {
      message: 'a share is at most 100 percent',
      path: ['value'],
    })
    .refine((figure) => (figure.metric === 'share-of-world') === (figure.stage !== undefined), {
      message: 'a share-of-world names its stage; the other metrics name none',
      path: ['stage'],
    })
}

export const CountryFigure = refineFigure(z.object(figureFields).strict()).meta({ id: 'CountryFigure' })
export type CountryFigure = z.output<typeof CountryFigure>

export const CountryFigureRecorded = defineEvent(
  'CountryFigureRecorded',
  'ree.country.figure-recorded.v1',
  refineFigure(z.object(figureFields).extend(Provenance.shape)),
)

export const CountryFactRetracted = defineEvent(
  'CountryFactRetracted',
  'ree.country.fact-retracted.v1',
  z.object({ country: CountryCode }).extend(RetractionFields).extend(Provenance.shape),
)

/**
 * Country figures live with the supply side: stored in the deposits event store and
 * published on its topic, under its CloudEvents source. Events of that source whose
 * type starts with `ree.country.` are these.
 */
export const countryFiguresContext = {
  name: 'country-figures',
  source: depositsContext.source,
  topic: depositsContext.topic,
  schema: depositsContext.schema,
  events: [CountryFigureRecorded, CountryFactRetracted],
} as const satisfies ContextDefinition

export const COUNTRY_EVENT_TYPE_PREFIX = 'ree.country.'

export type CountryEvent = DomainEventOf<(typeof countryFiguresContext.events)[number]>

// Command bodies, as clients send them.

export const RecordCountryFigureBody = refineFigure(
  z
    .object({
      ...figureFields,
      country: CountryCode.optional().meta({ description: "The path's code; when given, it must be the same" }),
    })
    .extend(CommandProvenance.shape)
    .strict(),
).meta({
  id: 'RecordCountryFigure',
  examples: [
    {
      year: 2024,
      metric: 'mine-production',
      value: 270000,
      unit: 't REO',
      publication: 'USGS Mineral Commodity Summaries 2025',
      effectiveDate: '2025-01-31',
      datePrecision: 'month',
      sources: [{ publisher: 'USGS', url: 'https://pubs.usgs.gov/periodicals/mcs2025/mcs2025-rare-earths.pdf' }],
      confidence: 'low',
      note: 'USGS estimates China mined 270,000 t REO in 2024, of a world total of 390,000 t.',
    },
  ],
})

export const countryCommandRoutes = defineCommandRoutes([
  {
    name: 'RecordCountryFigure',
    path: '/countries/:id/figures',
    params: z.object({ id: CountryCode }),
    operationId: 'recordCountryFigure',
    body: RecordCountryFigureBody,
    summary: "Record a figure of a country's production, reserves or share of world output",
    description:
      '`id` is the ISO 3166-1 alpha-2 code. `effectiveDate` is when the figure was published or first known, not the year it is about. Figures accumulate: disagreeing figures from different sources stand side by side.',
  },
  {
    name: 'RetractFact',
    path: '/countries/:id/retractions',
    params: z.object({ id: CountryCode }),
    operationId: 'retractCountryFact',
    body: RetractFactBody,
    summary: 'Retract a country figure recorded by mistake',
    description:
      'Takes back one event of the country (its `eventId` from the history). From now on the figure is out of current reads; read with `recordedAsOf` before now, it is still there.',
  },
])
export type CountryCommandName = (typeof countryCommandRoutes)[number]['name']
