import { CountryCode, IsoDate, RareEarthElement, StageQuery, SupplyChainStage } from '@ree/contracts'
import type pg from 'pg'
import { z } from 'zod'
import { countryFiguresModel } from '../countries/projection.ts'
import type { CountryFiguresView, CountryFigureView } from '../countries/view.ts'
import { facilityModel } from '../facilities/projection.ts'
import type { FacilityView } from '../facilities/view.ts'
import { Fact } from '../fact.ts'
import { readAt, TemporalQuery } from '../temporal.ts'
import { allStates } from '../temporal-model.ts'

type Queryable = pg.Pool | pg.ClientBase

export const ConcentrationQuery = z
  .object({
    stage: StageQuery,
    element: RareEarthElement.optional().meta({
      description: 'Only the facilities that name it; country figures are of rare earths as a whole',
    }),
  })
  .extend(TemporalQuery.shape)
  .strict()
export type ConcentrationQuery = z.output<typeof ConcentrationQuery>

const FigureFact = Fact.extend({
  kind: z.literal('country-figure'),
  country: CountryCode,
  metric: z.string(),
  year: z.number().int(),
  value: z.number(),
  unit: z.string(),
  stage: SupplyChainStage.optional(),
  scope: z.string().optional(),
  projected: z.boolean(),
  eventId: z.string(),
})
const CapacityFact = Fact.extend({
  kind: z.literal('facility-capacity'),
  facilityId: z.string(),
  country: CountryCode,
  value: z.number(),
  valueMax: z.number().optional(),
  unit: z.string(),
  product: z.string(),
})
type FigureFact = z.output<typeof FigureFact>
type CapacityFact = z.output<typeof CapacityFact>

export const Concentration = z
  .object({
    stage: SupplyChainStage,
    element: RareEarthElement.optional(),
    asOf: IsoDate,
    recordedAsOf: z.string().optional(),
    chinaSharePercent: z.number().nullable().meta({
      description: "China's share of world output at the stage, from the most recent reported figure; null when none",
    }),
    shareOutsideChinaPercent: z.number().nullable(),
    hhi: z
      .object({
        value: z.number().nullable().meta({
          description:
            'Herfindahl–Hirschman index on shares in percent (0–10,000), from the basis below; null when it cannot be computed',
        }),
        min: z.number().nullable().meta({ description: 'The least it can be with what is missing' }),
        max: z.number().nullable().meta({ description: 'The most it can be with what is missing' }),
        basis: z.enum(['mine-production', 'china-share-and-capacities', 'none']),
      })
      .meta({ description: 'How concentrated the stage is' }),
    byCountry: z.array(
      z.object({
        country: CountryCode,
        sharePercent: z.number(),
        from: z.enum(['country-figure', 'mine-production', 'capacities']),
        capacityTonnesPerYear: z.number().optional(),
      }),
    ),
    restsOn: z
      .array(z.discriminatedUnion('kind', [FigureFact, CapacityFact]))
      .meta({ description: 'Every fact the numbers above were computed from, with its sources and confidence' }),
    alternatives: z.array(FigureFact).meta({
      description:
        "The other figures for the stage: China's older, projected or narrower ones, other countries' shares, and mine production figures that disagree with the one used",
    }),
    missing: z.object({
      chinaFigure: z.boolean().meta({ description: "No reported figure of China's share at the stage is known" }),
      facilitiesWithoutCapacity: z.array(z.string()).meta({
        description:
          'Operating facilities at the stage with no nameplate capacity stated for it (a plant of several stages must name the stage its capacity is of)',
      }),
      facilitiesWithoutElements: z
        .array(z.string())
        .meta({ description: 'With `element`: facilities at the stage whose elements are not recorded, left out' }),
    }),
    lowConfidence: z.number().int().meta({ description: 'How many of the facts it rests on are of low confidence' }),
    notes: z.array(z.string()),
  })
  .meta({
    id: 'Concentration',
    examples: [
      {
        stage: 'separation-refining',
        asOf: '2026-12-01',
        chinaSharePercent: 91,
        shareOutsideChinaPercent: 9,
        hhi: { value: 8303.24, min: 8281, max: 8362, basis: 'china-share-and-capacities' },
        byCountry: [
          { country: 'CN', sharePercent: 91, from: 'country-figure' },
          { country: 'MY', sharePercent: 4.16, from: 'capacities', capacityTonnesPerYear: 10500 },
        ],
        restsOn: [
          {
            kind: 'country-figure',
            country: 'CN',
            metric: 'share-of-world',
            year: 2025,
            value: 91,
            unit: 'percent',
            stage: 'separation-refining',
            projected: false,
            eventId: '0b6f2f0e-4b7a-4d0c-9a51-2f4c8a1d9e10',
            effectiveDate: '2025-10-23',
            sources: [{ publisher: 'Rare Earth Exchanges', url: 'https://rareearthexchanges.com' }],
            confidence: 'low',
            recordedAt: '2026-12-01T09:00:00.000Z',
          },
          {
            kind: 'facility-capacity',
            facilityId: 'lynas-malaysia',
            country: 'MY',
            value: 10500,
            unit: 't/yr',
            product: 'NdPr oxide',
            effectiveDate: '2024-06-01',
            sources: [{ publisher: 'Fastmarkets', url: 'https://www.fastmarkets.com/?p=57380' }],
            confidence: 'normal',
            recordedAt: '2026-12-01T09:00:00.000Z',
          },
        ],
        alternatives: [],
        missing: { chinaFigure: false, facilitiesWithoutCapacity: ['src-saskatoon'], facilitiesWithoutElements: [] },
        lowConfidence: 1,
        notes: [
          "China's 91 % is 2025's; the other 9 % is shared among the countries outside China in proportion to their capacities.",
        ],
      },
    ],
  })
export type Concentration = z.output<typeof Concentration>

const round = (value: number, digits = 2) => Number(value.toFixed(digits))

function figureFact(country: string, figure: CountryFigureView): FigureFact {
  const {
    eventId,
    metric,
    year,
    value,
    unit,
    stage,
    scope,
    kind,
    bound: _bound,
    publication: _publication,
    ...fact
  } = figure
  const entry: FigureFact = {
    kind: 'country-figure',
    country: country as FigureFact['country'],
    metric,
    year,
    value,
    unit,
    projected: kind === 'projected',
    eventId,
    ...fact,
  }
  if (stage !== undefined) entry.stage = stage
  if (scope !== undefined) entry.scope = scope
  return entry
}

/**
 * The latest nameplate capacity a facility states for a stage, as of the date read (facts
 * dated later are not in the view): one that names the stage, or names none where the
 * facility performs only that stage. A capacity of a plant with several stages that names
 * none is not counted at any of them.
 */
function nameplateOf(facility: FacilityView, stage: SupplyChainStage): CapacityFact | undefined {
  const ofStage = (capacity: FacilityView['capacities'][number]['capacity']) =>
    capacity.stage === stage || (capacity.stage === undefined && facility.stages.length === 1)
  const stated = facility.capacities.filter((entry) => entry.capacity.basis === 'nameplate' && ofStage(entry.capacity))
  const latest = stated.sort((a, b) => a.effectiveDate.localeCompare(b.effectiveDate)).at(-1)
  if (!latest) return undefined
  const { capacity, ...fact } = latest
  const entry: CapacityFact = {
    kind: 'facility-capacity',
    facilityId: facility.id,
    country: facility.country,
    value: capacity.value,
    unit: capacity.unit,
    product: capacity.product,
    ...fact,
  }
  if (capacity.valueMax !== undefined) entry.valueMax = capacity.valueMax
  return entry
}

const sumOfSquares = (shares: readonly number[]) => shares.reduce((sum, share) => sum + share * share, 0)

/**
 * How concentrated a stage of the supply chain is on a date, as known at a time, and
 * how much of it lies outside China: from the country figures and the facilities'
 * capacities in the read models, naming every fact it rests on and what is missing.
 */
export async function concentration(db: Queryable, query: ConcentrationQuery): Promise<Concentration> {
  const at = readAt(query)
  const day = at.asOf ?? at.today
  const { stage, element } = query
  const [countries, facilities] = await Promise.all([
    allStates<CountryFiguresView, Record<string, unknown>>(db, countryFiguresModel, { filters: {}, ...at }),
    stage === 'mining'
      ? Promise.resolve([] as FacilityView[])
      : allStates<FacilityView, Record<string, unknown>>(db, facilityModel, { filters: { stage }, ...at }),
  ])
  const figures = countries.flatMap((view) => view.figures.map((figure) => ({ country: view.country, figure })))
  const shares = figures.filter(({ figure }) => figure.metric === 'share-of-world' && figure.stage === stage)
  const reported = shares
    .filter(({ country, figure }) => country === 'CN' && figure.kind === 'reported' && figure.scope === undefined)
    .sort((a, b) => a.figure.year - b.figure.year || a.figure.effectiveDate.localeCompare(b.figure.effectiveDate))
  const chinaFigure = reported.at(-1)
  const alternatives = shares
    .filter((entry) => entry !== chinaFigure)
    .map(({ country, figure }) => figureFact(country, figure))
  const notes: string[] = []
  const restsOn: Concentration['restsOn'] = []
  const missing: Concentration['missing'] = {
    chinaFigure: chinaFigure === undefined,
    facilitiesWithoutCapacity: [],
    facilitiesWithoutElements: [],
  }
  const answer = (partial: Pick<Concentration, 'chinaSharePercent' | 'hhi' | 'byCountry'>): Concentration => ({
    stage,
    ...(element === undefined ? {} : { element }),
    asOf: day,
    ...(at.recordedAsOf === undefined ? {} : { recordedAsOf: at.recordedAsOf }),
    ...partial,
    shareOutsideChinaPercent: partial.chinaSharePercent === null ? null : round(100 - partial.chinaSharePercent),
    restsOn,
    alternatives,
    missing,
    lowConfidence: restsOn.filter((fact) => fact.confidence === 'low').length,
    notes,
  })
  if (element !== undefined) notes.push('Country figures are of rare earths as a whole, not of the element alone.')

  if (stage === 'mining') {
    // Mine production by country, for the latest year with a figure for China: shares of what is recorded for that year.
    const production = figures
      .filter(({ figure }) => figure.metric === 'mine-production' && figure.kind === 'reported')
      .sort(
        (a, b) =>
          a.figure.effectiveDate.localeCompare(b.figure.effectiveDate) ||
          a.figure.recordedAt.localeCompare(b.figure.recordedAt),
      )
    const year = Math.max(...production.filter(({ country }) => country === 'CN').map(({ figure }) => figure.year))
    if (Number.isFinite(year)) {
      // One figure per country: the one published last (then recorded last); those that disagree stand beside it.
      const byCountry = new Map<string, (typeof production)[number]>()
      for (const entry of production.filter(({ figure }) => figure.year === year)) {
        const held = byCountry.get(entry.country)
        if (held) alternatives.push(figureFact(held.country, held.figure))
        byCountry.set(entry.country, entry)
      }
      const used = [...byCountry.values()]
      const total = used.reduce((sum, { figure }) => sum + figure.value, 0)
      for (const { country, figure } of used) restsOn.push(figureFact(country, figure))
      const shareOf = (value: number) => (value / total) * 100
      const china = round(shareOf(byCountry.get('CN')?.figure.value ?? 0))
      const hhi = round(sumOfSquares(used.map(({ figure }) => shareOf(figure.value))))
      notes.push(
        `Shares of the ${used.length} countries with ${year} mine production recorded (${total} t REO in all); a country not recorded is counted as producing nothing, so the index is at most what it would be with all of them.`,
      )
      if (alternatives.some((fact) => fact.metric === 'mine-production')) {
        notes.push(
          'Where sources disagree on a country, the figure published last is used; the others are in alternatives.',
        )
      }
      missing.chinaFigure = false
      if (chinaFigure) alternatives.unshift(figureFact('CN', chinaFigure.figure))
      return answer({
        chinaSharePercent: china,
        hhi: { value: hhi, min: hhi, max: hhi, basis: 'mine-production' },
        byCountry: used
          .map(({ country, figure }) => ({
            country: country as CountryCode,
            sharePercent: round(shareOf(figure.value)),
            from: 'mine-production' as const,
          }))
          .sort((a, b) => b.sharePercent - a.sharePercent),
      })
    }
  }

  if (chinaFigure) restsOn.push(figureFact('CN', chinaFigure.figure))
  // Outside China: the operating facilities at the stage, each at its latest nameplate capacity.
  const capacities: CapacityFact[] = []
  for (const facility of facilities) {
    if (facility.country === 'CN' || facility.status !== 'operating') continue
    if (element !== undefined && !facility.elements.includes(element)) {
      if (facility.elements.length === 0) missing.facilitiesWithoutElements.push(facility.id)
      continue
    }
    const nameplate = nameplateOf(facility, stage)
    if (nameplate) capacities.push(nameplate)
    else missing.facilitiesWithoutCapacity.push(facility.id)
  }
  restsOn.push(...capacities)
  const byCountryCapacity = new Map<string, number>()
  for (const entry of capacities) {
    byCountryCapacity.set(entry.country, (byCountryCapacity.get(entry.country) ?? 0) + entry.value)
  }
  const totalCapacity = [...byCountryCapacity.values()].reduce((sum, value) => sum + value, 0)
  if (capacities.length > 0) {
    const products = [...new Set(capacities.map((entry) => entry.product))]
    notes.push(
      `Capacities outside China are the latest nameplate of each operating facility, summed as stated (${products.join('; ')}); where a range is given, its lower end.`,
    )
  }
  if (!chinaFigure) {
    notes.push(
      `No reported figure of China's share at ${stage} is known on ${day}: neither the share outside China nor the index can be given; the shares by country are of the capacity recorded outside China, not of the world.`,
    )
    return answer({
      chinaSharePercent: null,
      hhi: { value: null, min: null, max: null, basis: 'none' },
      byCountry: [...byCountryCapacity.entries()].map(([country, capacity]) => ({
        country: country as CountryCode,
        sharePercent: round((capacity / totalCapacity) * 100),
        from: 'capacities' as const,
        capacityTonnesPerYear: capacity,
      })),
    })
  }
  const china = chinaFigure.figure.value
  const outside = 100 - china
  const byCountry: Concentration['byCountry'] = [
    { country: 'CN', sharePercent: china, from: 'country-figure' },
    ...[...byCountryCapacity.entries()]
      .map(([country, capacity]) => ({
        country: country as CountryCode,
        sharePercent: round((outside * capacity) / totalCapacity),
        from: 'capacities' as const,
        capacityTonnesPerYear: capacity,
      }))
      .sort((a, b) => b.sharePercent - a.sharePercent),
  ]
  notes.push(
    totalCapacity > 0
      ? `China's ${china} % is ${chinaFigure.figure.year}'s${chinaFigure.figure.bound === 'exact' ? '' : ` (${chinaFigure.figure.bound})`}; the other ${round(outside)} % is shared among the countries outside China in proportion to their capacities.`
      : `China's ${china} % is ${chinaFigure.figure.year}'s; no capacity outside China is recorded for the stage, so the other ${round(outside)} % is not broken down and the index is given only as its least and most.`,
  )
  const min = round(china * china)
  const max = round(min + outside * outside)
  const value = totalCapacity > 0 ? round(sumOfSquares(byCountry.map((entry) => entry.sharePercent))) : null
  return answer({ chinaSharePercent: china, hhi: { value, min, max, basis: 'china-share-and-capacities' }, byCountry })
}
