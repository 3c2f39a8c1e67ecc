import type { CloudEvent } from '@ree/contracts'
import type pg from 'pg'
import { projectVersionedView, type VersionedView } from '../versioned-view.ts'
import { type DealView, evolveDealView } from './view.ts'

export const dealViews: VersionedView<DealView> = {
  entity: 'deal',
  table: 'deals',
  historyTable: 'deal_history',
  historyKey: 'deal_id',
  evolve: evolveDealView,
  columns: (view) => ({
    name: view.name,
    status: view.status,
    countries: view.countries,
    parties: view.parties.map((party) => party.name),
    kinds: view.kinds.map((term) => term.kind),
    elements: view.elements,
    stages: view.stages,
    deposit_ids: view.depositIds,
    deal_date: view.date,
    value_amount: view.value?.amount ?? null,
    value_currency: view.value?.currency ?? null,
  }),
}

export function projectDealEvent(client: pg.ClientBase, event: CloudEvent): Promise<void> {
  return projectVersionedView(client, dealViews, event)
}
