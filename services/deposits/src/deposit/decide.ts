import {
  type AdvanceDepositStageBody,
  type BlockDepositBody,
  type ChangeDepositOperatorsBody,
  type CommandData,
  type CorrectDepositDetailsBody,
  type DepositEvent,
  DomainError,
  depositStageRank,
  provenanceOf,
  retractionOf,
  type PublishResourceEstimateBody,
  type RegisterDepositBody,
  type ReportProductionBody,
  type RetractFact,
  type ReverseDepositStageBody,
  type TimelineEntry,
  type UnblockDepositBody,
} from '@ree/contracts'
import type { Decider } from '@ree/event-store'
import { isDeepStrictEqual } from 'node:util'
import { blockingRules, checkBlocking, checkUnblocking } from '../blocking.ts'
import { type Deposit, evolve, initialState } from './deposit.ts'

type Of<Type extends string, Data> = { type: Type; depositId: string; data: Data }

/** Commands are the validated bodies, with the deposit id resolved. */
export type DepositCommand =
  | Of<'RegisterDeposit', Omit<CommandData<typeof RegisterDepositBody>, 'id'>>
  | Of<'CorrectDepositDetails', CommandData<typeof CorrectDepositDetailsBody>>
  | Of<'PublishResourceEstimate', CommandData<typeof PublishResourceEstimateBody>>
  | Of<'AdvanceDepositStage', CommandData<typeof AdvanceDepositStageBody>>
  | Of<'ReverseDepositStage', CommandData<typeof ReverseDepositStageBody>>
  | Of<'ReportProduction', CommandData<typeof ReportProductionBody>>
  | Of<'ChangeDepositOperators', CommandData<typeof ChangeDepositOperatorsBody>>
  | Of<'BlockDeposit', CommandData<typeof BlockDepositBody>>
  | Of<'UnblockDeposit', CommandData<typeof UnblockDepositBody>>

/** The rule codes a client can branch on (problem `type` `/problems/<code>`). */
export const depositRules = {
  alreadyRegistered: 'deposit-already-registered',
  notFound: 'deposit-not-found',
  nothingToCorrect: 'correction-changes-nothing',
  stageUnchanged: 'stage-unchanged',
  reversalRequired: 'stage-reversal-required',
  notAReversal: 'not-a-reversal',
  productionBeforeConstruction: 'production-before-construction',
  operatorsUnchanged: 'operators-unchanged',
  ...blockingRules,
} as const

/**
 * The rules every fact keeps where it stands on the deposit's timeline. A suspension
 * with an end date lapses after its last day, so the fact's own date says whether it still stands.
 */
export function check(state: Deposit, event: DepositEvent, effectiveDate: string): void {
  if (event.type === 'DepositRegistered') {
    if (state.recorded) {
      throw new DomainError(depositRules.alreadyRegistered, `deposit ${state.id} is already registered`, 'conflict')
    }
    return
  }
  // Facts outside a registration (its own was retracted) wait, unjudged, for one.
  if (!state.recorded) return
  const stage = state.stage
  switch (event.type) {
    case 'DepositStageAdvanced': {
      const to = event.data.stage
      if (to === stage) throw new DomainError(depositRules.stageUnchanged, `the deposit is already at ${to}`)
      if (depositStageRank[to] < depositStageRank[stage]) {
        throw new DomainError(
          depositRules.reversalRequired,
          `${to} comes before ${stage}: record a stage reversal with its reason instead`,
        )
      }
      return
    }
    case 'DepositStageReversed': {
      const to = event.data.stage
      if (depositStageRank[to] >= depositStageRank[stage]) {
        throw new DomainError(
          depositRules.notAReversal,
          `${to} does not come before ${stage}: a reversal goes back, an advance goes forward`,
        )
      }
      return
    }
    case 'ProductionReported':
      if (depositStageRank[stage] < depositStageRank.construction) {
        throw new DomainError(
          depositRules.productionBeforeConstruction,
          `the deposit is at ${stage} then: production is recorded from construction on`,
        )
      }
      return
    case 'DepositBlocked':
      checkBlocking(`deposit ${state.id}`, state.blocking, event.data, effectiveDate)
      return
    case 'DepositUnblocked':
      checkUnblocking(`deposit ${state.id}`, state.blocking, effectiveDate)
      return
    case 'DepositDetailsCorrected':
    case 'ResourceEstimatePublished':
    case 'DepositOperatorsChanged':
    case 'DepositFactRetracted':
      return
    default: {
      const unexpected: never = event
      throw new Error(`unhandled event ${JSON.stringify(unexpected)}`)
    }
  }
}

/** The events of a command, judged against the deposit as it stood on the command's date. */
export function decide(command: DepositCommand, state: Deposit): DepositEvent[] {
  const depositId = command.depositId
  if (command.type === 'RegisterDeposit') return [{ type: 'DepositRegistered', data: { depositId, ...command.data } }]
  if (!state.recorded) {
    throw new DomainError(depositRules.notFound, `no deposit ${depositId} is registered`, 'not-found')
  }
  const provenance = provenanceOf(command.data)
  switch (command.type) {
    case 'CorrectDepositDetails': {
      const changes = Object.fromEntries(
        Object.entries(command.data.changes).filter(
          ([field, value]) => !isDeepStrictEqual(state.details[field as keyof typeof state.details], value),
        ),
      )
      if (Object.keys(changes).length === 0) {
        throw new DomainError(depositRules.nothingToCorrect, 'every field named already has that value')
      }
      return [{ type: 'DepositDetailsCorrected', data: { depositId, changes, ...provenance } }]
    }
    case 'PublishResourceEstimate':
      return [
        { type: 'ResourceEstimatePublished', data: { depositId, estimate: command.data.estimate, ...provenance } },
      ]
    case 'AdvanceDepositStage':
      return [{ type: 'DepositStageAdvanced', data: { depositId, stage: command.data.stage, ...provenance } }]
    case 'ReverseDepositStage': {
      const data = { depositId, stage: command.data.stage, reason: command.data.reason, ...provenance }
      return [{ type: 'DepositStageReversed', data }]
    }
    case 'ReportProduction':
      return [{ type: 'ProductionReported', data: { depositId, production: command.data.production, ...provenance } }]
    case 'ChangeDepositOperators':
      if (isDeepStrictEqual(command.data.operators, state.operators)) {
        throw new DomainError(depositRules.operatorsUnchanged, 'the deposit already has exactly these operators')
      }
      return [
        {
          type: 'DepositOperatorsChanged',
          data: { depositId, operators: command.data.operators, previous: state.operators, ...provenance },
        },
      ]
    case 'BlockDeposit':
      return [{ type: 'DepositBlocked', data: { depositId, ...command.data } }]
    case 'UnblockDeposit':
      return [{ type: 'DepositUnblocked', data: { depositId, ...command.data } }]
    default: {
      const unexpected: never = command
      throw new Error(`unhandled command ${JSON.stringify(unexpected)}`)
    }
  }
}

export function retract(command: RetractFact, target: TimelineEntry<DepositEvent>): DepositEvent {
  return {
    type: 'DepositFactRetracted',
    data: {
      depositId: target.event.data.depositId,
      ...retractionOf(command, target),
    },
  }
}

export const depositDecider: Decider<DepositCommand, DepositEvent, Deposit> = {
  initialState,
  evolve,
  decide,
  check,
  retract,
}
