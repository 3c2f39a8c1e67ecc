import type { CloudEvent } from '@ree/contracts'
import type pg from 'pg'
import { anyContainsText, equals, includes, onOrAfter, onOrBefore } from '../filters.ts'
import { defineTemporalModel, projectTemporal } from '../temporal-model.ts'
import type { DealFilters } from './queries.ts'
import { type DealView, evolveDealView } from './view.ts'

export const dealModel = defineTemporalModel<DealView, DealFilters>({
  name: 'deal',
  evolve: evolveDealView,
  columns: {
    status: { type: 'text', of: (view) => view.status, index: 'btree' },
    countries: { type: 'text[]', of: (view) => view.countries, index: 'gin' },
    parties: { type: 'text[]', of: (view) => view.parties.map((party) => party.name) },
    kinds: { type: 'text[]', of: (view) => view.kinds.map((term) => term.kind) },
    elements: { type: 'text[]', of: (view) => view.elements },
    stages: { type: 'text[]', of: (view) => view.stages },
    deposit_ids: { type: 'text[]', of: (view) => view.depositIds, index: 'gin' },
    facility_ids: { type: 'text[]', of: (view) => view.facilityIds, index: 'gin' },
    deal_date: { type: 'date', of: (view) => view.date, index: 'btree' },
    value_amount: { type: 'numeric', of: (view) => view.value?.amount },
  },
  filters: {
    country: includes('countries'),
    party: anyContainsText('parties'),
    kind: includes('kinds'),
    status: equals('status'),
    element: includes('elements'),
    stage: includes('stages'),
    deposit: includes('deposit_ids'),
    facility: includes('facility_ids'),
    from: onOrAfter('deal_date'),
    to: onOrBefore('deal_date'),
  },
  // Deals without a disclosed value come last either way.
  sorts: {
    date: { key: 's.deal_date', cast: 'date', descending: false },
    '-date': { key: 's.deal_date', cast: 'date', descending: true },
    value: { key: "COALESCE(s.value_amount, 'Infinity'::numeric)", cast: 'numeric', descending: false },
    '-value': { key: "COALESCE(s.value_amount, '-Infinity'::numeric)", cast: 'numeric', descending: true },
  },
})

export function projectDealEvent(client: pg.ClientBase, event: CloudEvent): Promise<void> {
  return projectTemporal(client, dealModel, event)
}
