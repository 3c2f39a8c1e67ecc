import { propagation, ROOT_CONTEXT, type Span, SpanKind, trace } from '@opentelemetry/api'

const tracer = trace.getTracer('@ree/transport')

/** True when an OpenTelemetry SDK is installed (the no-op propagator has no fields). */
export function tracingEnabled(): boolean {
  return propagation.fields().length > 0
}

/** The trace context a W3C `traceparent` names, or the root when there is none. */
function contextOf(traceparent: string | undefined) {
  return traceparent ? propagation.extract(ROOT_CONTEXT, { traceparent }) : ROOT_CONTEXT
}

/** Runs `work` in a span that continues the trace the event was appended in. */
export function inEventTrace<T>(
  name: string,
  traceparent: string | undefined,
  kind: SpanKind,
  work: (span: Span) => Promise<T>,
): Promise<T> {
  return tracer.startActiveSpan(name, { kind }, contextOf(traceparent), async (span) => {
    try {
      return await work(span)
    } catch (error) {
      span.recordException(error as Error)
      throw error
    } finally {
      span.end()
    }
  })
}

export { SpanKind }
