import { isDeepStrictEqual } from 'node:util'
import type { CountryEvent, TimelineEntry } from '@ree/contracts'
import { assertCoverage, assertTimelineProperties, timelineSteps } from '@ree/testing'
import fc from 'fast-check'
import t from 'tap'
import { type CountryCommand, countryDecider } from '../src/index.ts'

const publishers = fc.constantFrom('USGS', 'IEA')
const record = fc
  .record({ year: fc.constantFrom(2023, 2024), value: fc.constantFrom(270000, 260000), publisher: publishers })
  .map(
    ({ year, value, publisher }): CountryCommand => ({
      type: 'RecordCountryFigure',
      country: 'CN',
      data: {
        year,
        metric: 'mine-production',
        value,
        unit: 't REO',
        bound: 'exact',
        kind: 'reported',
        sources: [{ publisher }],
        confidence: 'low',
      },
    }),
  )

/** Figures accumulate: in force, no figure appears twice from the same sources, and nothing else is ruled out. */
function invariants(timeline: readonly TimelineEntry<CountryEvent>[]): string | undefined {
  const seen: unknown[] = []
  for (const { event, effectiveDate } of timeline) {
    if (event.type !== 'CountryFigureRecorded') continue
    const { sources, confidence: _confidence, ...figure } = event.data
    const key = { figure, sources }
    if (seen.some((earlier) => isDeepStrictEqual(earlier, key))) return `the same figure twice on ${effectiveDate}`
    seen.push(key)
  }
  return undefined
}

t.test('any history of accepted country figures keeps the timeline and holds each figure once', async (t) => {
  const counts = assertTimelineProperties({
    decider: countryDecider,
    steps: timelineSteps(record, record),
    invariants,
    numRuns: 300,
    provenance: { sources: [{ publisher: 'USGS' }], confidence: 'normal' },
  })
  assertCoverage(t, counts)
  t.ok(counts.accepted > counts.refused, `most figures are accepted (${counts.accepted} to ${counts.refused})`)
})
