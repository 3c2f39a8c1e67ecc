import type { DepositEvent, DepositStage } from '@ree/contracts'
import type { z } from 'zod'
import type { DepositDetails, Operator } from '@ree/contracts'

export type Details = z.output<typeof DepositDetails>
export type OperatorEntry = z.output<typeof Operator>

/** What the decider needs to know about a deposit to judge the next command. */
export type Deposit =
  | { status: 'unregistered' }
  | {
      status: 'registered'
      id: string
      stage: DepositStage
      /** When the current stage began, where the history says. */
      stageSince?: string
      details: Details
      operators: OperatorEntry[]
    }

export const initialState: Deposit = { status: 'unregistered' }

export function evolve(state: Deposit, event: DepositEvent): Deposit {
  switch (event.type) {
    case 'DepositRegistered': {
      const { depositId, name, country, region, coordinates, depositType, elements, coProducts } = event.data
      const details: Details = { name, country, elements, coProducts }
      if (region !== undefined) details.region = region
      if (coordinates !== undefined) details.coordinates = coordinates
      if (depositType !== undefined) details.depositType = depositType
      const registered: Deposit = {
        status: 'registered',
        id: depositId,
        stage: event.data.stage,
        details,
        operators: event.data.operators,
      }
      if (event.metadata) registered.stageSince = event.metadata.effectiveDate
      return registered
    }
    case 'DepositDetailsCorrected':
      return state.status === 'registered'
        ? { ...state, details: { ...state.details, ...(definedOnly(event.data.changes) as Partial<Details>) } }
        : state
    case 'DepositStageAdvanced':
    case 'DepositStageReversed': {
      if (state.status !== 'registered') return state
      const { stageSince: _previous, ...rest } = state
      const since = event.metadata?.effectiveDate
      return since === undefined
        ? { ...rest, stage: event.data.to }
        : { ...rest, stage: event.data.to, stageSince: since }
    }
    case 'DepositOperatorsChanged':
      return state.status === 'registered' ? { ...state, operators: event.data.operators } : state
    case 'ResourceEstimatePublished':
    case 'ProductionReported':
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
