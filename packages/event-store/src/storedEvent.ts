import { type CloudEvent, upcastEvent } from '@ree/contracts'

/** A CloudEvent as the event store keeps it, with where it stands in the store. */
export interface StoredEvent {
  event: CloudEvent
  streamId: string
  /** Global position in this store (a bigint, as a string). */
  globalPosition: string
  /** The appending transaction's id (xid8, as a string): the reader's first ordering key. */
  transactionId: string
}

export interface EventRow {
  global_position: string
  transaction_id: string
  stream_id: string
  stream_version: number
  subject: string
  event_id: string
  type: string
  data: Record<string, unknown>
  effective_date: string
  correlation_id: string
  traceparent: string | null
  causation_id: string
  recorded_at: Date
}

/** The columns a StoredEvent is made from, optionally qualified by a table alias. */
export function eventColumns(alias?: string): string {
  const column = (name: string) => (alias ? `${alias}.${name}` : name)
  return [
    `${column('global_position')}::text AS global_position`,
    `${column('transaction_id')}::text AS transaction_id`,
    ...['stream_id', 'stream_version', 'subject', 'event_id', 'type', 'data'].map(column),
    `${column('effective_date')}::text AS effective_date`,
    ...['correlation_id', 'causation_id', 'traceparent', 'recorded_at'].map(column),
  ].join(', ')
}

export function toStoredEvent(row: EventRow, source: string): StoredEvent {
  return {
    streamId: row.stream_id,
    globalPosition: row.global_position,
    transactionId: row.transaction_id,
    event: {
      specversion: '1.0',
      id: row.event_id,
      source,
      type: row.type,
      subject: row.subject,
      time: row.recorded_at.toISOString(),
      datacontenttype: 'application/json',
      streamversion: row.stream_version,
      effectivedate: row.effective_date,
      correlationid: row.correlation_id,
      ...(row.traceparent ? { traceparent: row.traceparent } : {}),
      causationid: row.causation_id,
      data: row.data,
    },
  }
}

/** The stored event as its context's current version reads it (stored rows are never rewritten). */
export function upcastStored(stored: StoredEvent): StoredEvent {
  return { ...stored, event: upcastEvent(stored.event) }
}
