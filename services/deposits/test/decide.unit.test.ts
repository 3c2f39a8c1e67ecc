import type { DepositEvent } from '@ree/contracts'
import { deciderSpec } from '@ree/testing'
import t from 'tap'
import { type DepositCommand, depositDecider, depositRules } from '../src/index.ts'

const provenance = {
  sources: [{ publisher: 'USGS', title: 'Mineral Commodity Summaries 2025' }],
  confidence: 'normal' as const,
}

const registered: DepositEvent = {
  type: 'DepositRegistered',
  data: {
    depositId: 'mountain-pass',
    name: 'Mountain Pass',
    country: 'US',
    elements: [{ element: 'Ce' }],
    coProducts: [],
    operators: [{ name: 'MP Materials', role: 'operator' }],
    stage: 'production',
    ...provenance,
  },
}
const command = <Type extends DepositCommand['type']>(
  type: Type,
  data: Extract<DepositCommand, { type: Type }>['data'],
) => ({ type, depositId: 'mountain-pass', data }) as DepositCommand

t.test('registering', async (t) => {
  const given = deciderSpec(depositDecider, t)
  const { depositId, ...data } = registered.data as Extract<DepositEvent, { type: 'DepositRegistered' }>['data']
  given([]).when(command('RegisterDeposit', data)).then([registered], 'records a new deposit')
  given([registered])
    .when(command('RegisterDeposit', data))
    .thenThrows({ code: depositRules.alreadyRegistered }, 'refuses an id that is taken')
  given([])
    .when(command('AdvanceDepositStage', { stage: 'closed', ...provenance }))
    .thenThrows({ code: depositRules.notFound }, 'refuses commands on an unknown deposit')
})

t.test('stages move forward, and back only by an explicit reversal', async (t) => {
  const given = deciderSpec(depositDecider, t)
  given([registered])
    .when(
      command('AdvanceDepositStage', {
        stage: 'care-and-maintenance',
        ...provenance,
      }),
    )
    .then([
      {
        type: 'DepositStageAdvanced',
        data: {
          depositId: 'mountain-pass',
          from: 'production',
          to: 'care-and-maintenance',
          ...provenance,
        },
      },
    ])
  given([registered])
    .when(command('AdvanceDepositStage', { stage: 'exploration', ...provenance }))
    .thenThrows({ code: depositRules.reversalRequired })
  given([registered])
    .when(command('AdvanceDepositStage', { stage: 'production', ...provenance }))
    .thenThrows({ code: depositRules.stageUnchanged })
  given([registered])
    .when(
      command('ReverseDepositStage', {
        stage: 'construction',
        reason: 'plant rebuilt',
        ...provenance,
      }),
    )
    .then([
      {
        type: 'DepositStageReversed',
        data: {
          depositId: 'mountain-pass',
          from: 'production',
          to: 'construction',
          reason: 'plant rebuilt',
          ...provenance,
        },
      },
    ])
  given([registered])
    .when(
      command('ReverseDepositStage', {
        stage: 'closed',
        reason: 'not back',
        ...provenance,
      }),
    )
    .thenThrows({ code: depositRules.notAReversal })
})

t.test('production is recorded from construction on', async (t) => {
  const given = deciderSpec(depositDecider, t)
  const production = {
    periodStart: '2024-01-01',
    periodEnd: '2024-12-31',
    quantityTonnes: 45000,
    basis: 'REO' as const,
  }
  const early = {
    ...registered,
    data: { ...registered.data, stage: 'exploration' },
  } as DepositEvent
  given([early])
    .when(command('ReportProduction', { production, ...provenance }))
    .thenThrows({
      code: depositRules.productionBeforeConstruction,
    })
  given([registered])
    .when(
      command('ReportProduction', {
        production,
        datePrecision: 'year',
        ...provenance,
      }),
    )
    .then([
      {
        type: 'ProductionReported',
        data: {
          depositId: 'mountain-pass',
          production,
          ...provenance,
          datePrecision: 'year',
        },
      },
    ])
})

t.test('corrections, estimates and operators', async (t) => {
  const given = deciderSpec(depositDecider, t)
  given([registered])
    .when(
      command('CorrectDepositDetails', {
        changes: { name: 'Mountain Pass', region: 'California' },
        ...provenance,
      }),
    )
    .then(
      [
        {
          type: 'DepositDetailsCorrected',
          data: {
            depositId: 'mountain-pass',
            changes: { region: 'California' },
            ...provenance,
          },
        },
      ],
      'keeps only the fields that change',
    )
  given([registered])
    .when(
      command('CorrectDepositDetails', {
        changes: { name: 'Mountain Pass' },
        ...provenance,
      }),
    )
    .thenThrows({ code: depositRules.nothingToCorrect })
  const estimate = {
    category: 'reserve' as const,
    classification: 'unclassified' as const,
    oreTonnes: 100_000_000,
    bound: 'at-least' as const,
  }
  given([registered])
    .when(
      command('PublishResourceEstimate', {
        estimate,
        note: 'disputed',
        ...provenance,
      }),
    )
    .then([
      {
        type: 'ResourceEstimatePublished',
        data: {
          depositId: 'mountain-pass',
          estimate,
          ...provenance,
          note: 'disputed',
        },
      },
    ])
  given([registered])
    .when(
      command('ChangeDepositOperators', {
        operators: [{ name: 'MP Materials', role: 'operator' }],
        ...provenance,
      }),
    )
    .thenThrows({ code: depositRules.operatorsUnchanged })
  const operators = [{ name: 'Molycorp', role: 'operator' as const }]
  given([registered])
    .when(command('ChangeDepositOperators', { operators, ...provenance }))
    .then([
      {
        type: 'DepositOperatorsChanged',
        data: {
          depositId: 'mountain-pass',
          operators,
          previous: [{ name: 'MP Materials', role: 'operator' }],
          ...provenance,
        },
      },
    ])
})

t.test('a stage change may not be dated before the stage it follows', async (t) => {
  const given = deciderSpec(depositDecider, t)
  const since2018 = { ...registered, metadata: { effectiveDate: '2018-01-01' } }
  const dated = (effectiveDate: string) =>
    ({ ...command('AdvanceDepositStage', { stage: 'closed', ...provenance }), effectiveDate }) as DepositCommand
  given([since2018])
    .when(dated('2017-12-31'))
    .thenThrows({ code: depositRules.datedBeforeCurrentStage }, 'an earlier date is refused')
  given([since2018])
    .when(dated('2018-01-01'))
    .then(
      [
        {
          type: 'DepositStageAdvanced',
          data: { depositId: 'mountain-pass', from: 'production', to: 'closed', ...provenance },
        },
      ],
      'the same day or later is accepted',
    )
  const reversal = {
    ...command('ReverseDepositStage', { stage: 'exploration', reason: 'x', ...provenance }),
    effectiveDate: '1990-01-01',
  } as DepositCommand
  given([since2018]).when(reversal).thenThrows({ code: depositRules.datedBeforeCurrentStage }, 'reversals too')
})
