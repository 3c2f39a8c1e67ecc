import type { CloudEvent } from '@ree/contracts'
import type pg from 'pg'
import { projectVersionedView, type VersionedView } from '../versioned-view.ts'
import { type DepositView, evolveDepositView } from './view.ts'

export const depositViews: VersionedView<DepositView> = {
  entity: 'deposit',
  table: 'deposits',
  historyTable: 'deposit_history',
  historyKey: 'deposit_id',
  evolve: evolveDepositView,
  columns: (view) => ({
    name: view.name,
    country: view.country,
    stage: view.stage,
    elements: view.elements.map((entry) => entry.element),
    operators: view.operators.map((operator) => operator.name),
  }),
}

export function projectDepositEvent(client: pg.ClientBase, event: CloudEvent): Promise<void> {
  return projectVersionedView(client, depositViews, event)
}
