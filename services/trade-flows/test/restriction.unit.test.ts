import { type RetractFact, type TradeFlowEvent, timelineRules } from '@ree/contracts'
import { deciderSpec, on } from '@ree/testing'
import t from 'tap'
import { type RestrictionCommand, restrictionDecider, restrictionRules } from '../src/index.ts'

const provenance = {
  sources: [{ publisher: 'Pillsbury' }],
  confidence: 'normal' as const,
}
const details = {
  name: 'Export controls on five more rare earths',
  actor: { type: 'country' as const, country: 'CN' },
  kind: 'export-control' as const,
  origin: 'CN',
  destinations: 'all' as const,
  elements: ['Ho' as const, 'Er' as const],
  forms: ['oxide' as const],
}
const imposed: TradeFlowEvent = {
  type: 'RestrictionImposed',
  data: { restrictionId: 'cn-test', ...details, ...provenance },
}
const suspended: TradeFlowEvent = {
  type: 'RestrictionSuspended',
  data: { restrictionId: 'cn-test', until: '2026-11-10', ...provenance },
}
const lifted: TradeFlowEvent = {
  type: 'RestrictionLifted',
  data: { restrictionId: 'cn-test', ...provenance },
}
const command = <Type extends RestrictionCommand['type']>(
  type: Type,
  data: Extract<RestrictionCommand, { type: Type }>['data'],
) => ({ type, restrictionId: 'cn-test', data }) as RestrictionCommand

t.test('imposing', async (t) => {
  const given = deciderSpec(restrictionDecider, t)
  given([])
    .when(command('ImposeRestriction', { ...details, ...provenance }))
    .then([imposed])
  given([imposed])
    .when(command('ImposeRestriction', { ...details, ...provenance }))
    .thenThrows({ code: restrictionRules.alreadyImposed })
  given([]).when(command('LiftRestriction', provenance)).thenThrows({ code: restrictionRules.notFound })
  const halt = {
    name: 'MP Materials halts concentrate exports to China',
    actor: { type: 'company' as const, name: 'MP Materials', country: 'US' },
    kind: 'export-halt' as const,
    origin: 'US',
    destinations: ['CN'],
    elements: [],
    forms: ['concentrate' as const],
  }
  given([])
    .when(command('ImposeRestriction', { ...halt, ...provenance }))
    .then(
      [
        {
          type: 'RestrictionImposed',
          data: { restrictionId: 'cn-test', ...halt, ...provenance },
        },
      ],
      'a company may be the actor',
    )
  given([])
    .when(
      command('ImposeRestriction', {
        ...details,
        kind: 'tariff',
        ...provenance,
      }),
    )
    .thenThrows({ code: restrictionRules.tariffRate }, 'a tariff without its rate is refused')
  given([])
    .when(
      command('ImposeRestriction', {
        ...details,
        tariffRatePercent: 25,
        ...provenance,
      }),
    )
    .thenThrows({ code: restrictionRules.tariffRate }, 'a rate on anything but a tariff is refused')
})

t.test('expanded to more elements or forms', async (t) => {
  const given = deciderSpec(restrictionDecider, t)
  given([imposed])
    .when(
      command('ExpandRestriction', {
        addElements: ['Ho', 'Tm'],
        addForms: ['magnet'],
        legalReference: 'Announcement No. 99',
        ...provenance,
      }),
    )
    .then(
      [
        {
          type: 'RestrictionExpanded',
          data: {
            restrictionId: 'cn-test',
            addedElements: ['Tm'],
            addedForms: ['magnet'],
            legalReference: 'Announcement No. 99',
            ...provenance,
          },
        },
      ],
      'only what is new is added',
    )
  given([imposed])
    .when(
      command('ExpandRestriction', {
        addElements: ['Ho'],
        addForms: ['oxide'],
        ...provenance,
      }),
    )
    .thenThrows({ code: restrictionRules.expansionAddsNothing })
  const general = {
    ...imposed,
    data: { ...imposed.data, forms: [] },
  } as TradeFlowEvent
  given([general])
    .when(
      command('ExpandRestriction', {
        addElements: [],
        addForms: ['magnet'],
        ...provenance,
      }),
    )
    .thenThrows({ code: restrictionRules.expansionAddsNothing }, 'a measure naming no form already covers them all')
  given([imposed, lifted])
    .when(
      command('ExpandRestriction', {
        addElements: ['Yb'],
        addForms: [],
        ...provenance,
      }),
    )
    .thenThrows({ code: restrictionRules.lifted })
})

t.test('suspended until a date, then reinstated or lifted', async (t) => {
  const given = deciderSpec(restrictionDecider, t)
  given([imposed])
    .when(command('SuspendRestriction', { until: '2026-11-10', ...provenance }))
    .then([suspended])
  given([imposed, suspended])
    .when(command('SuspendRestriction', provenance))
    .thenThrows({ code: restrictionRules.alreadySuspended })
  given([imposed, suspended])
    .when(command('SuspendRestriction', { until: '2026-11-10', ...provenance }))
    .thenThrows({ code: restrictionRules.alreadySuspended }, 'the same suspension twice is refused')
  given([imposed, suspended])
    .when(command('SuspendRestriction', { until: '2027-11-10', ...provenance }))
    .then(
      [{ type: 'RestrictionSuspended', data: { restrictionId: 'cn-test', until: '2027-11-10', ...provenance } }],
      'a new end date extends or renews the suspension',
    )
  given([imposed, suspended])
    .when(command('ReinstateRestriction', provenance))
    .then([
      {
        type: 'RestrictionReinstated',
        data: { restrictionId: 'cn-test', ...provenance },
      },
    ])
  given([imposed])
    .when(command('ReinstateRestriction', provenance))
    .thenThrows({ code: restrictionRules.notSuspended }, 'only a suspended restriction is reinstated')
  given([imposed, suspended])
    .when(command('LiftRestriction', provenance))
    .then([lifted], 'a suspended restriction may be lifted')
  given([imposed]).when(command('LiftRestriction', provenance)).then([lifted], 'so may one in force')
  given([imposed, lifted]).when(command('LiftRestriction', provenance)).thenThrows({ code: restrictionRules.lifted })
  given([imposed, lifted])
    .when(command('ReinstateRestriction', provenance))
    .thenThrows({ code: restrictionRules.lifted }, 'a lifted restriction is not reinstated')
  given([imposed, lifted]).when(command('SuspendRestriction', provenance)).thenThrows({ code: restrictionRules.lifted })
})

const ids = {
  imposition: '40000000-0000-4000-8000-000000000001',
  expansion: '40000000-0000-4000-8000-000000000002',
  suspension: '40000000-0000-4000-8000-000000000003',
  reinstatement: '40000000-0000-4000-8000-000000000004',
  lifting: '40000000-0000-4000-8000-000000000005',
  retraction: '40000000-0000-4000-8000-000000000006',
}
/** Where a refusal says the timeline breaks. */
const breaksAt = (code: string, eventId: string) => ({ code, details: { breaksAt: { eventId } } })
const suspendedUntil = (until?: string): TradeFlowEvent => ({
  type: 'RestrictionSuspended',
  data:
    until === undefined
      ? { restrictionId: 'cn-test', ...provenance }
      : { restrictionId: 'cn-test', until, ...provenance },
})
const suspend = (until?: string) =>
  command('SuspendRestriction', until === undefined ? provenance : { until, ...provenance })
const reinstated: TradeFlowEvent = { type: 'RestrictionReinstated', data: { restrictionId: 'cn-test', ...provenance } }
const expanded: TradeFlowEvent = {
  type: 'RestrictionExpanded',
  data: { restrictionId: 'cn-test', addedElements: ['Tm'], addedForms: [], ...provenance },
}
const retractFact = (eventId: string): RetractFact => ({
  type: 'RetractFact',
  data: { eventId, reason: 'recorded by mistake', ...provenance },
})
/** A retraction of the creation: it ends the lifecycle recorded so far. */
const ending = <Event extends { data: object }>(event: Event): Event => ({
  ...event,
  data: { ...event.data, endsLifecycle: true },
})
const retracted = (retractedEventId: string, retractedType: string): TradeFlowEvent => ({
  type: 'RestrictionFactRetracted',
  data: { restrictionId: 'cn-test', retractedEventId, retractedType, reason: 'recorded by mistake', ...provenance },
})
const suspendedAYear = [
  on('2025-04-04', imposed, ids.imposition),
  on('2025-11-10', suspendedUntil('2026-11-10'), ids.suspension),
]
const suspendedThenReinstated = [...suspendedAYear, on('2026-03-01', reinstated, ids.reinstatement)]

t.test('a suspension with an end date lapses after its last day', async (t) => {
  const given = deciderSpec(restrictionDecider, t)
  given(suspendedAYear)
    .when(command('ReinstateRestriction', provenance), '2026-11-10')
    .then([reinstated], 'reinstated on its last day')
  given(suspendedAYear)
    .when(command('ReinstateRestriction', provenance), '2026-12-01')
    .thenThrows(
      { code: restrictionRules.notSuspended },
      'after it, the restriction is in force again: nothing to reinstate',
    )
  given(suspendedAYear)
    .when(suspend('2027-12-31'), '2027-01-01')
    .then([suspendedUntil('2027-12-31')], 'a new suspension after the lapse is accepted')
  given(suspendedAYear).when(suspend(), '2027-01-01').then([suspendedUntil()], 'with or without an end date')
  given(suspendedAYear)
    .when(suspend(), '2026-06-01')
    .thenThrows({ code: restrictionRules.alreadySuspended }, 'while it runs, only a new end date extends it')
  given(suspendedThenReinstated)
    .when(suspend('2026-01-31'), '2025-12-01')
    .thenThrows(
      breaksAt(restrictionRules.notSuspended, ids.reinstatement),
      'a late, shorter suspension would let it lapse before the recorded reinstatement',
    )
})

t.test('a fact learned late takes its place in valid time', async (t) => {
  const given = deciderSpec(restrictionDecider, t)
  given([on('2025-04-04', imposed), on('2025-10-09', expanded, ids.expansion)])
    .when(command('LiftRestriction', provenance), '2025-06-01')
    .thenThrows(breaksAt(restrictionRules.lifted, ids.expansion), 'nothing follows a lifting, even one learned late')
  given(suspendedThenReinstated)
    .when(command('LiftRestriction', provenance), '2026-01-01')
    .thenThrows(breaksAt(restrictionRules.lifted, ids.reinstatement), 'not even a reinstatement')
  given([
    on('2025-04-04', imposed),
    on('2025-11-10', suspendedUntil()),
    on('2026-03-01', reinstated, ids.reinstatement),
  ])
    .when(command('ReinstateRestriction', provenance), '2026-01-01')
    .thenThrows(
      breaksAt(restrictionRules.notSuspended, ids.reinstatement),
      'a late reinstatement would leave the recorded one nothing to reinstate',
    )
  given(suspendedThenReinstated)
    .when(suspend(), '2025-06-01')
    .then([suspendedUntil()], 'an earlier open suspension, renewed with an end date later, is accepted')
  given(suspendedThenReinstated)
    .when(command('ExpandRestriction', { addElements: ['Tm'], addForms: [], ...provenance }), '2025-10-20')
    .then([expanded], 'an expansion learned late is accepted')
  given([on('2025-04-04', imposed)])
    .when(suspend('2026-11-10'), '2025-04-03')
    .thenThrows({ code: timelineRules.datedBeforeCreation }, 'nothing is dated before the imposition')
})

t.test('two expansions adding the same element, one learned late, cover it once', async (t) => {
  const state = [imposed, expanded, expanded].reduce(restrictionDecider.evolve, restrictionDecider.initialState)
  t.same(state.recorded && state.elements, ['Ho', 'Er', 'Tm'])
})

t.test('facts on the same date follow their record order', async (t) => {
  const given = deciderSpec(restrictionDecider, t)
  given([on('2025-04-04', imposed), on('2025-12-01', lifted)])
    .when(suspend('2026-11-10'), '2025-12-01')
    .thenThrows({ code: restrictionRules.lifted }, 'a suspension recorded after the lifting of that day follows it')
  given([on('2025-04-04', imposed), on('2025-12-01', suspendedUntil('2026-11-10'))])
    .when(command('ReinstateRestriction', provenance), '2025-12-01')
    .then([reinstated], 'reinstated the day it was suspended')
})

t.test('a lifting announced ahead takes effect on its day', async (t) => {
  const given = deciderSpec(restrictionDecider, t)
  const liftAhead = [on('2025-04-04', imposed), on('2027-01-01', lifted, ids.lifting)]
  given(liftAhead)
    .when(suspend('2026-06-30'), '2026-01-01')
    .then([suspendedUntil('2026-06-30')], 'a suspension before it is accepted')
  given(liftAhead)
    .when(suspend(), '2027-03-01')
    .thenThrows({ code: restrictionRules.lifted }, 'after it, the restriction is lifted')
})

t.test('retractions', async (t) => {
  const given = deciderSpec(restrictionDecider, t)
  given(suspendedThenReinstated)
    .when(retractFact(ids.suspension))
    .thenThrows(
      breaksAt(restrictionRules.notSuspended, ids.reinstatement),
      'without the suspension, the reinstatement reinstates nothing',
    )
  given(suspendedThenReinstated)
    .when(retractFact(ids.reinstatement))
    .then([retracted(ids.reinstatement, 'RestrictionReinstated')])
  const withRetraction = [
    ...suspendedThenReinstated,
    on('2026-03-01', retracted(ids.reinstatement, 'RestrictionReinstated'), ids.retraction),
  ]
  given(withRetraction).when(retractFact(ids.reinstatement)).thenThrows({ code: timelineRules.alreadyRetracted })
  given(withRetraction).when(retractFact(ids.retraction)).thenThrows({ code: timelineRules.retractionNotRetractable })
  const notFound = { code: timelineRules.eventNotFound, kind: 'not-found' }
  given(withRetraction).when(retractFact('40000000-0000-4000-8000-00000000dead')).thenThrows(notFound)
  given(withRetraction)
    .when(command('ReinstateRestriction', provenance), '2026-05-01')
    .then([reinstated], 'once the reinstatement is retracted, it is suspended again then')
  given([
    on('2025-04-04', imposed),
    on('2025-12-01', lifted, ids.lifting),
    on('2025-12-01', retracted(ids.lifting, 'RestrictionLifted')),
  ])
    .when(suspend(), '2026-01-01')
    .then([suspendedUntil()], 'a lifting recorded by mistake, once retracted, stops nothing')
})

t.test('retracting the imposition takes its whole lifecycle with it', async (t) => {
  const given = deciderSpec(restrictionDecider, t)
  given(suspendedThenReinstated)
    .when(retractFact(ids.imposition))
    .then([ending(retracted(ids.imposition, 'RestrictionImposed'))])
  const unrecorded = [
    ...suspendedThenReinstated,
    on('2025-04-04', ending(retracted(ids.imposition, 'RestrictionImposed'))),
  ]
  given(unrecorded)
    .when(command('LiftRestriction', provenance), '2026-06-01')
    .thenThrows({ code: restrictionRules.notFound })
  given(unrecorded)
    .when(command('ImposeRestriction', { ...details, ...provenance }), '2025-05-01')
    .then([imposed], 'imposed again, it starts afresh')
  given(unrecorded)
    .when(command('ImposeRestriction', { ...details, ...provenance }), '2026-01-01')
    .then([imposed], 'the old suspension and reinstatement do not come back')
  given(unrecorded)
    .when(retractFact(ids.suspension))
    .thenThrows({ code: 'already-retracted' }, 'its facts went with it')
})
