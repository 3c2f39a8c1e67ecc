import { type DepositEvent, DepositStage, depositStageRank, type TimelineEntry } from '@ree/contracts'
import { assertCoverage, assertTimelineProperties, timelineSteps } from '@ree/testing'
import fc from 'fast-check'
import t from 'tap'
import { type DepositCommand, depositDecider } from '../src/index.ts'

const provenance = { sources: [{ publisher: 'USGS' }], confidence: 'normal' as const }
const depositId = 'prop-deposit'
const stage = fc.constantFrom(...DepositStage.options)
const operators = fc.constantFrom<Array<{ name: string; role: 'operator' }>>(
  [{ name: 'MP Materials', role: 'operator' }],
  [{ name: 'Molycorp', role: 'operator' }],
)
const production = { periodStart: '2024-01-01', periodEnd: '2024-12-31', quantityTonnes: 45000, basis: 'REO' as const }

const register = fc.record({ stage, operators }).map(
  ({ stage, operators }): DepositCommand => ({
    type: 'RegisterDeposit',
    depositId,
    data: {
      name: 'Prop',
      country: 'US',
      elements: [{ element: 'Nd' }],
      coProducts: [],
      operators,
      stage,
      ...provenance,
    },
  }),
)
const next = fc.oneof(
  stage.map((stage): DepositCommand => ({ type: 'AdvanceDepositStage', depositId, data: { stage, ...provenance } })),
  stage.map(
    (stage): DepositCommand => ({
      type: 'ReverseDepositStage',
      depositId,
      data: { stage, reason: 'setback', ...provenance },
    }),
  ),
  fc.constant<DepositCommand>({ type: 'ReportProduction', depositId, data: { production, ...provenance } }),
  operators.map(
    (operators): DepositCommand => ({ type: 'ChangeDepositOperators', depositId, data: { operators, ...provenance } }),
  ),
  fc.constantFrom(undefined, '2024-06-30', '2025-12-31').map(
    (until): DepositCommand => ({
      type: 'BlockDeposit',
      depositId,
      data: {
        kind: until ? 'suspended' : 'blocked',
        authority: { type: 'court', name: 'High Court' },
        legalReference: 'Order 1',
        ...(until ? { until } : {}),
        ...provenance,
      },
    }),
  ),
  fc.constant<DepositCommand>({ type: 'UnblockDeposit', depositId, data: { ...provenance } }),
  fc.constantFrom('Prop', 'Prop Mine').map(
    (name): DepositCommand => ({
      type: 'CorrectDepositDetails',
      depositId,
      data: { changes: { name }, ...provenance },
    }),
  ),
)

/** The deposit's lifecycle, stated over the timeline apart from the decider. */
function invariants(timeline: readonly TimelineEntry<DepositEvent>[]): string | undefined {
  let current: DepositStage | undefined
  /** While a blocking stands: its last day ('' when it has none). */
  let blockedUntil: string | undefined
  const blockedOn = (date: string) => blockedUntil !== undefined && (blockedUntil === '' || date <= blockedUntil)
  for (const { event, effectiveDate } of timeline) {
    if (event.type === 'DepositRegistered') {
      if (current !== undefined) return `registered twice (again on ${effectiveDate})`
      current = event.data.stage
      continue
    }
    if (current === undefined) continue
    const from = depositStageRank[current]
    if (event.type === 'DepositStageAdvanced') {
      if (depositStageRank[event.data.stage] <= from)
        return `advanced from ${current} to ${event.data.stage} on ${effectiveDate}`
      current = event.data.stage
    }
    if (event.type === 'DepositStageReversed') {
      if (depositStageRank[event.data.stage] >= from)
        return `reversed from ${current} to ${event.data.stage} on ${effectiveDate}`
      current = event.data.stage
    }
    if (event.type === 'DepositBlocked') {
      const until = event.data.until ?? ''
      // Over a standing blocking, only a suspension over a suspension, with a new last day, is recorded.
      if (blockedOn(effectiveDate) && (blockedUntil === '' || until === '' || until === blockedUntil)) {
        return `blocked again on ${effectiveDate}`
      }
      blockedUntil = until
    }
    if (event.type === 'DepositUnblocked') {
      if (!blockedOn(effectiveDate)) return `unblocked on ${effectiveDate} while not blocked`
      blockedUntil = undefined
    }
    if (event.type === 'ProductionReported' && from < depositStageRank.construction) {
      return `production reported at ${current} on ${effectiveDate}`
    }
  }
  return undefined
}

t.test('any history of accepted deposit facts keeps the timeline and the lifecycle', async (t) => {
  const counts = assertTimelineProperties({
    decider: depositDecider,
    steps: timelineSteps(register, next),
    invariants,
    numRuns: 300,
    provenance,
  })
  assertCoverage(t, counts)
})
