import {
  type CountryEvent,
  countryCommandRoutes,
  RecordCountryFigureBody,
  type RetractFact,
  timelineRules,
} from '@ree/contracts'
import { deciderSpec, on } from '@ree/testing'
import t from 'tap'
import { type CountryCommand, countryDecider, countryRules } from '../src/index.ts'

const usgs = {
  sources: [{ publisher: 'USGS', url: 'https://pubs.usgs.gov/periodicals/mcs2025/mcs2025-rare-earths.pdf' }],
  confidence: 'low' as const,
}
const other = {
  sources: [{ publisher: 'Other Gazette', url: 'https://example.org/other' }],
  confidence: 'low' as const,
}
const figure = {
  year: 2024,
  metric: 'mine-production' as const,
  value: 270000,
  unit: 't REO' as const,
  bound: 'exact' as const,
  kind: 'reported' as const,
  publication: 'USGS Mineral Commodity Summaries 2025',
}
const record = (data: Record<string, unknown> = {}, provenance = usgs): CountryCommand => ({
  type: 'RecordCountryFigure',
  country: 'CN',
  data: { ...figure, ...provenance, ...data } as CountryCommand['data'],
})
const recorded = (data: Record<string, unknown> = {}, provenance = usgs): CountryEvent => ({
  type: 'CountryFigureRecorded',
  data: { country: 'CN', ...figure, ...data, ...provenance } as Extract<
    CountryEvent,
    { type: 'CountryFigureRecorded' }
  >['data'],
})
const retractFact = (eventId: string): RetractFact => ({
  type: 'RetractFact',
  data: { eventId, reason: 'recorded by mistake', ...usgs },
})
/** Where a refusal says the timeline breaks. */
const breaksAt = (code: string, eventId: string) => ({ code, details: { breaksAt: { eventId } } })
const ids = { first: '20000000-0000-4000-8000-000000000001', second: '20000000-0000-4000-8000-000000000002' }

t.test('recording figures', async (t) => {
  const given = deciderSpec(countryDecider, t)
  given([]).when(record()).then([recorded()], 'a first figure needs no registration: every ISO code is a country')
  given([on('2025-01-31', recorded())])
    .when(record({ value: 260000 }, other), '2025-03-01')
    .then([recorded({ value: 260000 }, other)], 'a disagreeing figure from another source stands beside it')
  given([on('2025-01-31', recorded())])
    .when(record({}, other), '2025-03-01')
    .then([recorded({}, other)], 'the same figure from another source is recorded too')
  given([on('2025-01-31', recorded())])
    .when(record({ year: 2023 }), '2025-01-31')
    .then([recorded({ year: 2023 })], 'another year from the same publication is another figure')
  given([on('2025-01-31', recorded())])
    .when(record(), '2025-06-01')
    .thenThrows({ code: countryRules.figureAlreadyRecorded }, 'the very same figure from the same sources is refused')
  given([on('2025-06-01', recorded(), ids.first)])
    .when(record(), '2025-01-31')
    .thenThrows(
      breaksAt(countryRules.figureAlreadyRecorded, ids.first),
      'learned late, a copy of a later figure is refused at the figure it repeats',
    )
  given([])
    .when(
      record({ metric: 'share-of-world', stage: 'separation-refining', value: 92, unit: 'percent', kind: 'reported' }),
    )
    .then(
      [recorded({ metric: 'share-of-world', stage: 'separation-refining', value: 92, unit: 'percent' })],
      'a share by stage',
    )
})

t.test('retracting a figure', async (t) => {
  const given = deciderSpec(countryDecider, t)
  const retracted: CountryEvent = {
    type: 'CountryFactRetracted',
    data: {
      country: 'CN',
      retractedEventId: ids.first,
      retractedType: 'CountryFigureRecorded',
      reason: 'recorded by mistake',
      ...usgs,
    },
  }
  given([on('2025-01-31', recorded(), ids.first)])
    .when(retractFact(ids.first))
    .then([retracted], 'names the figure it takes back; the country itself stays')
  given([on('2025-01-31', recorded(), ids.first)])
    .when(retractFact(ids.second))
    .thenThrows({ code: timelineRules.eventNotFound }, 'an event not in the history cannot be retracted')
  given([on('2025-01-31', recorded(), ids.first), on('2025-01-31', retracted, ids.second)])
    .when(record(), '2025-02-01')
    .then([recorded()], 'once retracted, the figure may be recorded again')
})

t.test('the command body refuses a figure that does not fit its metric, naming the field', async (t) => {
  const base = { ...figure, effectiveDate: '2025-01-31', ...usgs }
  const issues = (body: object) =>
    RecordCountryFigureBody.safeParse(body).error?.issues.map((issue) => issue.path.join('.')) ?? []
  t.same(issues(base), [], 'a mine-production figure in t REO')
  t.same(issues({ ...base, unit: 'percent' }), ['unit'], "'percent' on mine-production")
  t.same(issues({ ...base, metric: 'share-of-world', stage: 'mining', unit: 'percent', value: 120 }), ['value'])
  t.same(issues({ ...base, value: 0 }), ['value'], 'zero is not a figure')
  t.same(issues({ ...base, value: -5 }), ['value'], 'nor is a negative one')
  t.same(issues({ ...base, metric: 'share-of-world', unit: 'percent', value: 62 }), ['stage'], 'a share names a stage')
  t.same(issues({ ...base, stage: 'mining' }), ['stage'], 'mine production names none')
  t.same(issues({ ...base, country: 'XX' }), ['country'], 'an unassigned code')
  t.same(issues({ ...base, year: 2024.5 }), ['year'])
  t.match(RecordCountryFigureBody.parse(base), { bound: 'exact', kind: 'reported' }, 'bound and kind default')
  const params = countryCommandRoutes[0].params
  t.ok(params.safeParse({ id: 'CN' }).success, 'the path takes an ISO code')
  for (const id of ['XX', 'ZZZ', 'cn']) t.notOk(params.safeParse({ id }).success, `and refuses ${id}`)
})
