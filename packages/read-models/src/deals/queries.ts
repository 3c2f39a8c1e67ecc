import { CountryCode, DealKind, DealStatus, IsoDate, RareEarthElement, Slug, SupplyChainStage } from '@ree/contracts'
import type pg from 'pg'
import { z } from 'zod'
import { decodeCursor, encodeCursor, InvalidCursorError, PageQuery } from '../cursor.ts'
import { isTemporal, TemporalQuery } from '../temporal.ts'
import { foldAllViews, getView, hasHistory, historyPage, viewVersion } from '../versioned-view.ts'
import { dealViews } from './projection.ts'
import type { DealView } from './view.ts'

export const DealFilters = z.object({
  country: CountryCode.optional().meta({ description: "A party's country" }),
  party: z.string().min(1).max(200).optional().meta({ description: "Part of a party's name, any case" }),
  kind: DealKind.optional(),
  status: DealStatus.optional(),
  element: RareEarthElement.optional(),
  stage: SupplyChainStage.optional(),
  deposit: Slug.optional().meta({ description: 'A linked deposit id' }),
  from: IsoDate.optional().meta({
    description: 'Only deals whose date (when they first became known) is on or after this',
  }),
  to: IsoDate.optional().meta({ description: 'Only deals whose date is on or before this' }),
})
export type DealFilters = z.output<typeof DealFilters>

export const DealSort = z.enum(['date', '-date', 'value', '-value']).default('-date').meta({
  description:
    'By date (when the deal first became known) or by disclosed value (its amount, whatever the currency); `-` for descending. Deals without a disclosed value come last either way.',
})
type DealSort = z.output<typeof DealSort>

export const DealListQuery = DealFilters.extend({ sort: DealSort }).extend(PageQuery.shape).extend(TemporalQuery.shape)
export type DealListQuery = z.output<typeof DealListQuery>

const DealCursor = z.object({ s: DealSort, k: z.string(), id: z.string() })

type Queryable = pg.Pool | pg.ClientBase

export async function listDeals(db: Queryable, query: DealListQuery) {
  const cursor = query.cursor ? decodeCursor(DealCursor, query.cursor) : undefined
  if (cursor && cursor.s !== query.sort) throw new InvalidCursorError('cursor was issued for another sort order')
  if (cursor && !validSortKey(cursor.k, query.sort)) throw new InvalidCursorError('cursor is not one this API returned')
  const views = isTemporal(query)
    ? sortViews(
        (await foldAllViews(db, dealViews, query)).filter((view) => matches(view, query)),
        query.sort,
      ).filter((view) => !cursor || isAfter(view, cursor, query.sort))
    : await selectCurrent(db, query, cursor)
  const page = views.slice(0, query.limit)
  const last = page.at(-1)
  return {
    items: page,
    nextCursor:
      views.length > query.limit && last
        ? encodeCursor({ s: query.sort, k: String(sortKey(last, query.sort)), id: last.id })
        : null,
  }
}

export async function getDeal(db: Queryable, id: string, query: TemporalQuery = {}): Promise<DealView | undefined> {
  return getView(db, dealViews, id, query)
}

/** The version the read model has reached for a deal (0 when unknown): for read-your-writes. */
export async function dealVersion(db: Queryable, id: string): Promise<number> {
  return viewVersion(db, dealViews, id)
}

export async function dealExists(db: Queryable, id: string): Promise<boolean> {
  return hasHistory(db, dealViews, id)
}

export const DealHistoryQuery = PageQuery.extend(TemporalQuery.shape)
export type DealHistoryQuery = z.output<typeof DealHistoryQuery>

/** A deal's events, in stream order, as CloudEvents. */
export async function dealHistory(db: Queryable, id: string, query: DealHistoryQuery) {
  return historyPage(db, dealViews, id, query)
}

/** Every deal matching the filters, as it stands now or stood then: for aggregates and deposit links. */
export async function allDeals(db: Queryable, query: DealFilters & TemporalQuery): Promise<DealView[]> {
  if (isTemporal(query)) return (await foldAllViews(db, dealViews, query)).filter((view) => matches(view, query))
  const result = await db.query<{ view: DealView }>('SELECT view FROM read_models.deals ORDER BY id')
  return result.rows.map((row) => row.view).filter((view) => matches(view, query))
}

function sortKey(view: DealView, sort: DealSort): string | number {
  switch (sort) {
    case 'date':
    case '-date':
      return view.date
    case 'value':
      return view.value?.amount ?? Number.POSITIVE_INFINITY
    case '-value':
      return view.value?.amount ?? Number.NEGATIVE_INFINITY
    default: {
      const unexpected: never = sort
      throw new Error(`unknown sort ${String(unexpected)}`)
    }
  }
}

function compare(a: DealView, b: DealView, sort: DealSort): number {
  const [keyA, keyB] = [sortKey(a, sort), sortKey(b, sort)]
  const byKey = keyA < keyB ? -1 : keyA > keyB ? 1 : 0
  const ascending = byKey || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0)
  return sort.startsWith('-') ? -ascending : ascending
}

function sortViews(views: DealView[], sort: DealSort): DealView[] {
  return views.sort((a, b) => compare(a, b, sort))
}

/** A sort key as `listDeals` writes it into cursors: a date, or a number (±Infinity for undisclosed values). */
function validSortKey(key: string, sort: DealSort): boolean {
  if (sort === 'date' || sort === '-date') return IsoDate.safeParse(key).success
  return key === 'Infinity' || key === '-Infinity' || (key.trim() !== '' && Number.isFinite(Number(key)))
}

function isAfter(view: DealView, cursor: z.output<typeof DealCursor>, sort: DealSort): boolean {
  const key = sort === 'date' || sort === '-date' ? cursor.k : Number(cursor.k)
  const own = sortKey(view, sort)
  const ascending = own < key ? -1 : own > key ? 1 : view.id < cursor.id ? -1 : view.id > cursor.id ? 1 : 0
  return sort.startsWith('-') ? ascending < 0 : ascending > 0
}

async function selectCurrent(
  db: Queryable,
  query: DealListQuery,
  cursor: z.output<typeof DealCursor> | undefined,
): Promise<DealView[]> {
  const conditions: string[] = []
  const values: unknown[] = []
  const add = (sql: (placeholder: string) => string, value: unknown) => {
    values.push(value)
    conditions.push(sql(`$${values.length}`))
  }
  if (query.country) add((p) => `${p} = ANY (countries)`, query.country)
  if (query.party)
    add((p) => `EXISTS (SELECT 1 FROM unnest(parties) party WHERE party ILIKE ${p})`, `%${escapeLike(query.party)}%`)
  if (query.kind) add((p) => `${p} = ANY (kinds)`, query.kind)
  if (query.status) add((p) => `status = ${p}`, query.status)
  if (query.element) add((p) => `${p} = ANY (elements)`, query.element)
  if (query.stage) add((p) => `${p} = ANY (stages)`, query.stage)
  if (query.deposit) add((p) => `${p} = ANY (deposit_ids)`, query.deposit)
  if (query.from) add((p) => `deal_date >= ${p}::date`, query.from)
  if (query.to) add((p) => `deal_date <= ${p}::date`, query.to)
  const descending = query.sort.startsWith('-')
  const byDate = query.sort === 'date' || query.sort === '-date'
  const key = byDate ? 'deal_date' : `COALESCE(value_amount, '${descending ? '-' : ''}Infinity'::numeric)`
  if (cursor) {
    values.push(cursor.k, cursor.id)
    const cast = byDate ? 'date' : 'numeric'
    conditions.push(`(${key}, id) ${descending ? '<' : '>'} ($${values.length - 1}::${cast}, $${values.length})`)
  }
  values.push(query.limit + 1)
  const direction = descending ? 'DESC' : 'ASC'
  const result = await db.query<{ view: DealView }>(
    `SELECT view FROM read_models.deals ${conditions.length ? `WHERE ${conditions.join(' AND ')}` : ''}
     ORDER BY ${key} ${direction}, id ${direction} LIMIT $${values.length}`,
    values,
  )
  return result.rows.map((row) => row.view)
}

/** The same filters as `selectCurrent`, for views folded at a past time. */
export function matches(view: DealView, query: DealFilters): boolean {
  const party = query.party?.toLowerCase()
  return (
    (!query.country || view.countries.includes(query.country)) &&
    (!party || view.parties.some((entry) => entry.name.toLowerCase().includes(party))) &&
    (!query.kind || view.kinds.some((term) => term.kind === query.kind)) &&
    (!query.status || view.status === query.status) &&
    (!query.element || view.elements.includes(query.element)) &&
    (!query.stage || view.stages.includes(query.stage)) &&
    (!query.deposit || view.depositIds.includes(query.deposit)) &&
    (!query.from || view.date >= query.from) &&
    (!query.to || view.date <= query.to)
  )
}

function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, (character) => `\\${character}`)
}
