/**
 * Imported first by every entry point: starts tracing when OTEL_EXPORTER_OTLP_ENDPOINT
 * is set, before pg, kafkajs and http are loaded, so their instrumentations apply.
 * Synchronous on purpose: a top-level await here would let the imports after it load first.
 */
import { basename, dirname } from 'node:path'
import { startTracing } from './tracing.ts'

const endpoint = process.env.OTEL_EXPORTER_OTLP_ENDPOINT
// services/<name>/src/main.ts names the service; the embedded entry point is the whole ledger.
const entry = process.argv[1] ?? ''
const fromEntry = entry.includes('/services/') ? basename(dirname(dirname(entry))) : 'ledger'
const tracing = startTracing({ service: process.env.OTEL_SERVICE_NAME ?? fromEntry, endpoint })

/** Flushes the spans still buffered (at shutdown). */
export async function shutdownTracing(): Promise<void> {
  await tracing?.shutdown()
}
