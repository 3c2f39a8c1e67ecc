import { type DepositEvent, type DepositStage, type RetractFact, timelineRules } from '@ree/contracts'
import { deciderSpec, on } from '@ree/testing'
import t from 'tap'
import { type DepositCommand, depositDecider, depositRules } from '../src/index.ts'

const provenance = {
  sources: [{ publisher: 'USGS', title: 'Mineral Commodity Summaries 2025' }],
  confidence: 'normal' as const,
}
const depositId = 'mountain-pass'

type Registered = Extract<DepositEvent, { type: 'DepositRegistered' }>
const registeredAt = (stage: DepositStage): Registered => ({
  type: 'DepositRegistered',
  data: {
    depositId,
    name: 'Mountain Pass',
    country: 'US',
    elements: [{ element: 'Ce' }],
    coProducts: [],
    operators: [{ name: 'MP Materials', role: 'operator' }],
    stage,
    ...provenance,
  },
})
const registered = registeredAt('production')
const registerAt = (stage: DepositStage) => {
  const { depositId: _id, ...data } = registeredAt(stage).data
  return command('RegisterDeposit', data)
}
const command = <Type extends DepositCommand['type']>(
  type: Type,
  data: Extract<DepositCommand, { type: Type }>['data'],
) => ({ type, depositId, data }) as DepositCommand
const advanceTo = (stage: DepositStage) => command('AdvanceDepositStage', { stage, ...provenance })
const advanced = (stage: DepositStage): DepositEvent => ({
  type: 'DepositStageAdvanced',
  data: { depositId, stage, ...provenance },
})
const production = { periodStart: '2024-01-01', periodEnd: '2024-12-31', quantityTonnes: 45000, basis: 'REO' as const }
const reportProduction = command('ReportProduction', { production, ...provenance })
const produced: DepositEvent = { type: 'ProductionReported', data: { depositId, production, ...provenance } }
const retractFact = (eventId: string): RetractFact => ({
  type: 'RetractFact',
  data: { eventId, reason: 'recorded by mistake', ...provenance },
})
const retracted = (retractedEventId: string, retractedType: string): DepositEvent => ({
  type: 'DepositFactRetracted',
  data: { depositId, retractedEventId, retractedType, reason: 'recorded by mistake', ...provenance },
})

/** A retraction of the creation: it ends the lifecycle recorded so far. */
const ending = <Event extends { data: object }>(event: Event): Event => ({
  ...event,
  data: { ...event.data, endsLifecycle: true },
})

const ids = {
  registration: '10000000-0000-4000-8000-000000000001',
  construction: '10000000-0000-4000-8000-000000000002',
  production: '10000000-0000-4000-8000-000000000003',
  report: '10000000-0000-4000-8000-000000000004',
  retraction: '10000000-0000-4000-8000-000000000005',
  closure: '10000000-0000-4000-8000-000000000006',
}
const notFound = { code: timelineRules.eventNotFound, kind: 'not-found' }
/** Where a refusal says the timeline breaks. */
const breaksAt = (code: string, eventId: string) => ({ code, details: { breaksAt: { eventId } } })

t.test('registering', async (t) => {
  const given = deciderSpec(depositDecider, t)
  given([]).when(registerAt('production')).then([registered], 'records a new deposit')
  given([registered])
    .when(registerAt('production'))
    .thenThrows({ code: depositRules.alreadyRegistered }, 'refuses an id that is taken')
  given([])
    .when(advanceTo('closed'))
    .thenThrows({ code: depositRules.notFound }, 'refuses commands on an unknown deposit')
  given([on('2018-03-01', registered)])
    .when(advanceTo('closed'), '2017-12-31')
    .thenThrows({ code: timelineRules.datedBeforeCreation }, 'refuses a fact dated before the deposit is recorded')
})

t.test('stages move forward, and back only by an explicit reversal', async (t) => {
  const given = deciderSpec(depositDecider, t)
  given([registered])
    .when(advanceTo('care-and-maintenance'))
    .then([advanced('care-and-maintenance')])
  given([registered]).when(advanceTo('exploration')).thenThrows({ code: depositRules.reversalRequired })
  given([registered]).when(advanceTo('production')).thenThrows({ code: depositRules.stageUnchanged })
  given([registered])
    .when(command('ReverseDepositStage', { stage: 'construction', reason: 'plant rebuilt', ...provenance }))
    .then([
      {
        type: 'DepositStageReversed',
        data: { depositId, stage: 'construction', reason: 'plant rebuilt', ...provenance },
      },
    ])
  given([registered])
    .when(command('ReverseDepositStage', { stage: 'closed', reason: 'not back', ...provenance }))
    .thenThrows({ code: depositRules.notAReversal })
})

t.test('production is recorded from construction on', async (t) => {
  const given = deciderSpec(depositDecider, t)
  given([registeredAt('exploration')])
    .when(reportProduction)
    .thenThrows({ code: depositRules.productionBeforeConstruction })
  given([registered])
    .when(command('ReportProduction', { production, datePrecision: 'year', ...provenance }))
    .then([{ type: 'ProductionReported', data: { depositId, production, ...provenance, datePrecision: 'year' } }])
})

t.test('corrections, estimates and operators', async (t) => {
  const given = deciderSpec(depositDecider, t)
  given([registered])
    .when(command('CorrectDepositDetails', { changes: { name: 'Mountain Pass', region: 'California' }, ...provenance }))
    .then(
      [{ type: 'DepositDetailsCorrected', data: { depositId, changes: { region: 'California' }, ...provenance } }],
      'keeps only the fields that change',
    )
  given([registered])
    .when(command('CorrectDepositDetails', { changes: { name: 'Mountain Pass' }, ...provenance }))
    .thenThrows({ code: depositRules.nothingToCorrect })
  const estimate = {
    category: 'reserve' as const,
    classification: 'unclassified' as const,
    oreTonnes: 100_000_000,
    bound: 'at-least' as const,
  }
  given([registered])
    .when(command('PublishResourceEstimate', { estimate, note: 'disputed', ...provenance }))
    .then([{ type: 'ResourceEstimatePublished', data: { depositId, estimate, ...provenance, note: 'disputed' } }])
  given([registered])
    .when(command('ChangeDepositOperators', { operators: [{ name: 'MP Materials', role: 'operator' }], ...provenance }))
    .thenThrows({ code: depositRules.operatorsUnchanged })
  const operators = [{ name: 'Molycorp', role: 'operator' as const }]
  given([registered])
    .when(command('ChangeDepositOperators', { operators, ...provenance }))
    .then([
      {
        type: 'DepositOperatorsChanged',
        data: { depositId, operators, previous: [{ name: 'MP Materials', role: 'operator' }], ...provenance },
      },
    ])
  const renamed = {
    type: 'DepositDetailsCorrected' as const,
    data: { depositId, changes: { name: 'Mountain Pass Mine' }, ...provenance },
  }
  given([on('2018-01-01', registered), on('2024-01-01', renamed)])
    .when(command('CorrectDepositDetails', { changes: { name: 'Mountain Pass Mine' }, ...provenance }), '2020-01-01')
    .then(
      [
        {
          type: 'DepositDetailsCorrected',
          data: { depositId, changes: { name: 'Mountain Pass Mine' }, ...provenance },
        },
      ],
      'a correction is judged against the details on its own date, not the latest ones',
    )
})

t.test('a fact learned late takes its place in valid time', async (t) => {
  const given = deciderSpec(depositDecider, t)
  const explorationAndProduction = [
    on('2018-03-01', registeredAt('exploration'), ids.registration),
    on('2024-06-01', advanced('production'), ids.production),
  ]
  given(explorationAndProduction)
    .when(advanceTo('construction'), '2022-05-01')
    .then([advanced('construction')], 'construction dated 2022 goes between exploration (2018) and production (2024)')
  given(explorationAndProduction)
    .when(reportProduction, '2020-01-01')
    .thenThrows(
      { code: depositRules.productionBeforeConstruction },
      'a production report dated before any construction is refused',
    )
  given(explorationAndProduction)
    .when(advanceTo('closed'), '2023-01-01')
    .thenThrows(
      breaksAt(depositRules.reversalRequired, ids.production),
      'a late closure that would put the recorded production after it is refused, naming the production',
    )
  given([on('2018-03-01', registeredAt('exploration')), on('2022-05-01', advanced('construction'), ids.construction)])
    .when(advanceTo('production'), '2020-01-01')
    .thenThrows(
      breaksAt(depositRules.reversalRequired, ids.construction),
      'a late production start before the recorded construction breaks it',
    )
  given([
    on('2018-03-01', registeredAt('exploration')),
    on('2022-05-01', advanced('construction')),
    on('2024-06-01', produced, ids.report),
  ])
    .when(
      command('ReverseDepositStage', { stage: 'exploration', reason: 'plant mothballed', ...provenance }),
      '2023-01-01',
    )
    .thenThrows(
      breaksAt(depositRules.productionBeforeConstruction, ids.report),
      'a late reversal that leaves a later production report before construction is refused',
    )
})

t.test('facts on the same date follow their record order', async (t) => {
  const given = deciderSpec(depositDecider, t)
  const sameDay = [on('2018-03-01', registeredAt('exploration')), on('2022-05-01', advanced('construction'))]
  given(sameDay)
    .when(advanceTo('feasibility'), '2022-05-01')
    .thenThrows({ code: depositRules.reversalRequired }, 'a stage recorded later on the same day comes after')
  given(sameDay)
    .when(reportProduction, '2022-05-01')
    .then([produced], 'production reported on the day construction started follows it')
  given([on('2022-05-01', registeredAt('exploration'))])
    .when(reportProduction, '2022-05-01')
    .thenThrows({ code: depositRules.productionBeforeConstruction }, 'and a registration on that day comes first')
})

t.test('facts announced ahead take effect on their day', async (t) => {
  const given = deciderSpec(depositDecider, t)
  const closureAhead = [on('2018-03-01', registered), on('2027-01-01', advanced('closed'), ids.closure)]
  given(closureAhead)
    .when(advanceTo('care-and-maintenance'), '2026-01-01')
    .then([advanced('care-and-maintenance')], 'a change before the announced closure is judged as of its date')
  given(closureAhead)
    .when(advanceTo('care-and-maintenance'), '2027-06-01')
    .thenThrows({ code: depositRules.reversalRequired }, 'after the closure the deposit is closed')
  given([...closureAhead, on('2027-01-01', retracted(ids.closure, 'DepositStageAdvanced'))])
    .when(advanceTo('care-and-maintenance'), '2027-06-01')
    .then([advanced('care-and-maintenance')], 'once the closure is retracted, a later change is accepted')
})

t.test('retractions', async (t) => {
  const given = deciderSpec(depositDecider, t)
  const history = [
    on('2018-03-01', registeredAt('exploration'), ids.registration),
    on('2022-05-01', advanced('construction'), ids.construction),
    on('2024-06-01', produced, ids.report),
  ]
  given(history)
    .when(retractFact(ids.report))
    .then([retracted(ids.report, 'ProductionReported')], 'a fact recorded by mistake is retracted')
  given(history)
    .when(retractFact(ids.construction))
    .thenThrows(
      breaksAt(depositRules.productionBeforeConstruction, ids.report),
      'refused where the timeline without it breaks a rule, naming the fact that breaks',
    )
  const withRetraction = [...history, on('2024-06-01', retracted(ids.report, 'ProductionReported'), ids.retraction)]
  given(withRetraction)
    .when(retractFact(ids.report))
    .thenThrows({ code: timelineRules.alreadyRetracted }, 'a fact is retracted once')
  given(withRetraction)
    .when(retractFact(ids.retraction))
    .thenThrows(
      { code: timelineRules.retractionNotRetractable },
      'a retraction is not retracted: the fact is recorded again',
    )
  given(history)
    .when(retractFact('10000000-0000-4000-8000-00000000dead'))
    .thenThrows(notFound, 'an unknown event is not found')
  given([
    on('2018-03-01', registeredAt('exploration')),
    on('2022-05-01', advanced('construction'), ids.construction),
    on('2022-05-01', retracted(ids.construction, 'DepositStageAdvanced')),
  ])
    .when(reportProduction, '2023-01-01')
    .thenThrows({ code: depositRules.productionBeforeConstruction }, 'a retracted fact no longer counts')
})

t.test('retracting the registration takes its whole lifecycle with it', async (t) => {
  const given = deciderSpec(depositDecider, t)
  const history = [
    on('2018-03-01', registeredAt('exploration'), ids.registration),
    on('2022-05-01', advanced('construction'), ids.construction),
    on('2024-06-01', produced, ids.report),
  ]
  given(history)
    .when(retractFact(ids.registration))
    .then([ending(retracted(ids.registration, 'DepositRegistered'))], 'the registration may be retracted')
  const unregistered = [...history, on('2018-03-01', ending(retracted(ids.registration, 'DepositRegistered')))]
  given(unregistered).when(advanceTo('closed'), '2025-01-01').thenThrows({ code: depositRules.notFound })
  given(unregistered)
    .when(registerAt('exploration'), '2019-01-01')
    .then([registeredAt('exploration')], 'a new registration starts afresh')
  given(unregistered)
    .when(registerAt('production'), '2019-01-01')
    .then([registeredAt('production')], 'the old lifecycle does not come back to judge it')
  given(unregistered)
    .when(retractFact(ids.construction))
    .thenThrows({ code: 'already-retracted' }, 'its facts went with it')
})

t.test('a blocking stands until it is unblocked, or a suspension until its last day', async (t) => {
  const given = deciderSpec(depositDecider, t)
  const blocking = {
    kind: 'blocked' as const,
    authority: { type: 'legislature' as const, name: 'Inatsisartut' },
    legalReference: 'Act No. 20',
    ...provenance,
  }
  const blocked: DepositEvent = { type: 'DepositBlocked', data: { depositId, ...blocking } }
  const suspension = { ...blocking, kind: 'suspended' as const, until: '2022-06-30' }
  const suspended: DepositEvent = { type: 'DepositBlocked', data: { depositId, ...suspension } }
  const unblock = command('UnblockDeposit', { reason: 'law repealed', ...provenance })
  const start = on('2018-03-01', registered)

  given([start]).when(command('BlockDeposit', blocking), '2021-12-02').then([blocked], 'records the blocking')
  given([start, on('2021-12-02', blocked)])
    .when(command('BlockDeposit', blocking), '2023-06-01')
    .thenThrows({ code: depositRules.alreadyBlocked }, 'refuses a second blocking while one stands')
  given([start, on('2021-12-02', blocked)])
    .when(command('BlockDeposit', blocking), '2021-06-01')
    .thenThrows(
      { code: depositRules.alreadyBlocked },
      'refuses a blocking earlier in valid time that the standing one would then repeat',
    )
  given([start])
    .when(unblock, '2021-12-02')
    .thenThrows({ code: depositRules.notBlocked }, 'refuses to unblock what is not blocked')
  given([start, on('2021-12-02', blocked)])
    .when(unblock, '2024-01-01')
    .then([{ type: 'DepositUnblocked', data: { depositId, reason: 'law repealed', ...provenance } }], 'lifts it')
  given([start, on('2022-01-01', suspended)])
    .when(unblock, '2022-07-01')
    .thenThrows({ code: depositRules.notBlocked }, 'a suspension past its last day has lapsed by itself')
  given([start, on('2022-01-01', suspended)])
    .when(command('BlockDeposit', blocking), '2022-07-01')
    .then([blocked], 'after a lapsed suspension the deposit may be blocked again')
  given([start, on('2022-01-01', suspended)])
    .when(command('BlockDeposit', { ...suspension, until: '2022-12-31' }), '2022-06-01')
    .then(
      [{ type: 'DepositBlocked', data: { depositId, ...suspension, until: '2022-12-31' } }],
      'a suspension is renewed with a new last day',
    )
  given([start, on('2021-12-02', blocked)])
    .when(command('BlockDeposit', { ...suspension, until: '2026-01-01' }), '2025-01-01')
    .thenThrows(
      { code: depositRules.alreadyBlocked },
      'a suspension recorded over a blocking with no end would replace it, and lapse it: refused',
    )
  given([start, on('2022-01-01', suspended)])
    .when(command('BlockDeposit', blocking), '2022-03-01')
    .thenThrows({ code: depositRules.alreadyBlocked }, 'a blocking over a standing suspension: unblock it first')
  given([start, on('2022-06-01', blocked)])
    .when(command('BlockDeposit', suspension), '2022-01-01')
    .thenThrows(
      { code: depositRules.alreadyBlocked },
      'a suspension learned late that would run into a later blocking is refused where it breaks it',
    )
})
