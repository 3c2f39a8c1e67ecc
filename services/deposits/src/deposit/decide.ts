import {
  type AdvanceDepositStageBody,
  type ChangeDepositOperatorsBody,
  type CommandData,
  type CorrectDepositDetailsBody,
  type DepositEvent,
  DomainError,
  refuseIfDatedBefore,
  depositStageRank,
  provenanceOf,
  type PublishResourceEstimateBody,
  type RegisterDepositBody,
  type ReportProductionBody,
  type ReverseDepositStageBody,
} from '@ree/contracts'
import type { Decider } from '@ree/event-store'
import { isDeepStrictEqual } from 'node:util'
import { type Deposit, evolve, initialState } from './deposit.ts'

/** Commands are the validated bodies, with the deposit id resolved. */
export type DepositCommand =
  | {
      type: 'RegisterDeposit'
      depositId: string
      data: Omit<CommandData<typeof RegisterDepositBody>, 'id'>
      effectiveDate?: string
    }
  | {
      type: 'CorrectDepositDetails'
      depositId: string
      data: CommandData<typeof CorrectDepositDetailsBody>
      effectiveDate?: string
    }
  | {
      type: 'PublishResourceEstimate'
      depositId: string
      data: CommandData<typeof PublishResourceEstimateBody>
      effectiveDate?: string
    }
  | {
      type: 'AdvanceDepositStage'
      depositId: string
      data: CommandData<typeof AdvanceDepositStageBody>
      effectiveDate?: string
    }
  | {
      type: 'ReverseDepositStage'
      depositId: string
      data: CommandData<typeof ReverseDepositStageBody>
      effectiveDate?: string
    }
  | {
      type: 'ReportProduction'
      depositId: string
      data: CommandData<typeof ReportProductionBody>
      effectiveDate?: string
    }
  | {
      type: 'ChangeDepositOperators'
      depositId: string
      data: CommandData<typeof ChangeDepositOperatorsBody>
      effectiveDate?: string
    }

/** The rule codes a client can branch on (problem `type` `/problems/<code>`). */
export const depositRules = {
  alreadyRegistered: 'deposit-already-registered',
  notFound: 'deposit-not-found',
  nothingToCorrect: 'correction-changes-nothing',
  stageUnchanged: 'stage-unchanged',
  reversalRequired: 'stage-reversal-required',
  notAReversal: 'not-a-reversal',
  productionBeforeConstruction: 'production-before-construction',
  datedBeforeCurrentStage: 'dated-before-current-stage',
  operatorsUnchanged: 'operators-unchanged',
} as const

export function decide(command: DepositCommand, state: Deposit): DepositEvent[] {
  const depositId = command.depositId
  if (command.type === 'RegisterDeposit') {
    if (state.status === 'registered') {
      throw new DomainError(depositRules.alreadyRegistered, `deposit ${depositId} is already registered`, 'conflict')
    }
    return [{ type: 'DepositRegistered', data: { depositId, ...command.data } }]
  }
  if (state.status !== 'registered') {
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
    case 'AdvanceDepositStage': {
      refuseIfDatedBefore(command.effectiveDate, state.stageSince, {
        code: depositRules.datedBeforeCurrentStage,
        current: `the deposit has been at ${state.stage}`,
      })
      const to = command.data.stage
      if (to === state.stage) throw new DomainError(depositRules.stageUnchanged, `the deposit is already at ${to}`)
      if (depositStageRank[to] < depositStageRank[state.stage]) {
        throw new DomainError(
          depositRules.reversalRequired,
          `${to} comes before ${state.stage}: record a stage reversal with its reason instead`,
        )
      }
      return [{ type: 'DepositStageAdvanced', data: { depositId, from: state.stage, to, ...provenance } }]
    }
    case 'ReverseDepositStage': {
      refuseIfDatedBefore(command.effectiveDate, state.stageSince, {
        code: depositRules.datedBeforeCurrentStage,
        current: `the deposit has been at ${state.stage}`,
      })
      const to = command.data.stage
      if (depositStageRank[to] >= depositStageRank[state.stage]) {
        throw new DomainError(
          depositRules.notAReversal,
          `${to} does not come before ${state.stage}: a reversal goes back, an advance goes forward`,
        )
      }
      const data = { depositId, from: state.stage, to, reason: command.data.reason, ...provenance }
      return [{ type: 'DepositStageReversed', data }]
    }
    case 'ReportProduction':
      if (depositStageRank[state.stage] < depositStageRank.construction) {
        throw new DomainError(
          depositRules.productionBeforeConstruction,
          `the deposit is at ${state.stage}: production is recorded from construction on`,
        )
      }
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
    default: {
      const unexpected: never = command
      throw new Error(`unhandled command ${JSON.stringify(unexpected)}`)
    }
  }
}

export const depositDecider: Decider<DepositCommand, DepositEvent, Deposit> = { initialState, evolve, decide }
