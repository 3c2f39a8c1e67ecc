import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http'
import { HttpInstrumentation } from '@opentelemetry/instrumentation-http'
import { KafkaJsInstrumentation } from '@opentelemetry/instrumentation-kafkajs'
import { PgInstrumentation } from '@opentelemetry/instrumentation-pg'
import { NodeSDK } from '@opentelemetry/sdk-node'
import { BatchSpanProcessor } from '@opentelemetry/sdk-trace'

export interface Tracing {
  shutdown(): Promise<void>
}

/**
 * Starts OpenTelemetry tracing (HTTP, pg and kafkajs instrumented, spans exported as
 * OTLP/HTTP JSON) when an endpoint is configured; off otherwise. Must run before the
 * instrumented libraries are first loaded.
 */
export function startTracing(options: { service: string; endpoint: string | undefined }): Tracing | undefined {
  if (!options.endpoint) return undefined
  const exporter = new OTLPTraceExporter({ url: `${options.endpoint.replace(/\/$/, '')}/v1/traces` })
  const sdk = new NodeSDK({
    serviceName: options.service,
    spanProcessors: [new BatchSpanProcessor({ exporter })],
    // Metrics are prom-client's at /metrics and logs are pino's: only traces go out over OTLP.
    metricReaders: [],
    logRecordProcessors: [],
    instrumentations: [new HttpInstrumentation(), new PgInstrumentation(), new KafkaJsInstrumentation()],
  })
  sdk.start()
  return { shutdown: () => sdk.shutdown() }
}
