import type { DepositDetails, DepositEvent, DepositStage, Operator } from '@ree/contracts'
import type { z } from 'zod'
import { type BlockingState, blockingOf } from '../blocking.ts'

export type Details = z.output<typeof DepositDetails>
export type OperatorEntry = z.output<typeof Operator>

/** What the decider needs to know about a deposit, as of a date, to judge a fact on it. */
export type Deposit =
  | { recorded: false }
  | {
      recorded: true
      id: string
      stage: DepositStage
      details: Details
      operators: OperatorEntry[]
      /** While a blocking stands (a suspension past its last day has lapsed, whatever this says). */
      blocking?: BlockingState
    }

export const initialState: Deposit = { recorded: false }

/** One step along the deposit's timeline (valid time); facts before its registration change nothing. */
export function evolve(state: Deposit, event: DepositEvent): Deposit {
  if (event.type === 'DepositRegistered') {
    const { depositId, name, country, region, coordinates, depositType, elements, coProducts } = event.data
    const details: Details = { name, country, elements, coProducts }
    if (region !== undefined) details.region = region
    if (coordinates !== undefined) details.coordinates = coordinates
    if (depositType !== undefined) details.depositType = depositType
    return { recorded: true, id: depositId, stage: event.data.stage, details, operators: event.data.operators }
  }
  if (!state.recorded) return state
  switch (event.type) {
    case 'DepositDetailsCorrected':
      return { ...state, details: { ...state.details, ...(definedOnly(event.data.changes) as Partial<Details>) } }
    case 'DepositStageAdvanced':
    case 'DepositStageReversed':
      return { ...state, stage: event.data.stage }
    case 'DepositOperatorsChanged':
      return { ...state, operators: event.data.operators }
    case 'DepositBlocked':
      return { ...state, blocking: blockingOf(event.data) }
    case 'DepositUnblocked': {
      const { blocking: _lifted, ...rest } = state
      return rest
    }
    case 'ResourceEstimatePublished':
    case 'ProductionReported':
    case 'DepositFactRetracted':
      return state
    default: {
      const unexpected: never = event
      throw new Error(`unhandled event ${JSON.stringify(unexpected)}`)
    }
  }
}

function definedOnly(value: object): object {
  return Object.fromEntries(Object.entries(value).filter(([, entry]) => entry !== undefined))
}
