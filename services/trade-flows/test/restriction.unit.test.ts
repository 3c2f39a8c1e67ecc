import type { TradeFlowEvent } from '@ree/contracts'
import { deciderSpec } from '@ree/testing'
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

t.test('a restriction changes no earlier than its current status began', async (t) => {
  const given = deciderSpec(restrictionDecider, t)
  const imposedOn = { ...imposed, metadata: { effectiveDate: '2025-04-04' } } as TradeFlowEvent
  given([imposedOn])
    .when({
      ...command('SuspendRestriction', { until: '2026-11-10', ...provenance }),
      effectiveDate: '2025-04-03',
    } as RestrictionCommand)
    .thenThrows({ code: restrictionRules.datedBeforeCurrentStatus })
  given([imposedOn])
    .when({
      ...command('SuspendRestriction', { until: '2026-11-10', ...provenance }),
      effectiveDate: '2025-11-07',
    } as RestrictionCommand)
    .then([suspended])
})

t.test('a reinstatement may not be dated before the suspension it ends', async (t) => {
  const given = deciderSpec(restrictionDecider, t)
  const imposedOn = { ...imposed, metadata: { effectiveDate: '2025-10-09' } } as TradeFlowEvent
  const suspendedOn = { ...suspended, metadata: { effectiveDate: '2025-11-07' } } as TradeFlowEvent
  given([imposedOn, suspendedOn])
    .when({ ...command('ReinstateRestriction', provenance), effectiveDate: '2025-10-20' } as RestrictionCommand)
    .thenThrows({ code: restrictionRules.datedBeforeCurrentStatus }, 'before the suspension: refused')
  given([imposedOn, suspendedOn])
    .when({
      ...command('SuspendRestriction', { until: '2027-11-10', ...provenance }),
      effectiveDate: '2025-11-01',
    } as RestrictionCommand)
    .thenThrows(
      { code: restrictionRules.datedBeforeCurrentStatus },
      'an extension dated before the suspension: refused',
    )
  given([imposedOn, suspendedOn])
    .when({
      ...command('ExpandRestriction', { addElements: ['Tm'], addForms: [], ...provenance }),
      effectiveDate: '2025-10-20',
    } as RestrictionCommand)
    .then(
      [
        {
          type: 'RestrictionExpanded',
          data: { restrictionId: 'cn-test', addedElements: ['Tm'], addedForms: [], ...provenance },
        },
      ],
      'an expansion learned late is accepted',
    )
})
