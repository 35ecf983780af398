/**
 * A small OTLP/HTTP trace receiver for tests: accepts `POST /v1/traces` as `http/json` or
 * `http/protobuf` (optionally gzip), flattens every span into a {@link ReceivedSpan}, and answers
 * like a collector. Metrics and logs are accepted and dropped. Listens on 127.0.0.1 only.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { gunzipSync } from 'node:zlib';
import protobuf from 'protobufjs';

/** The subset of opentelemetry-proto (trace/v1, common/v1, resource/v1) a trace export uses. */
const TRACE_PROTO = `
syntax = "proto3";
message ExportTraceServiceRequest { repeated ResourceSpans resource_spans = 1; }
message ResourceSpans { Resource resource = 1; repeated ScopeSpans scope_spans = 2; string schema_url = 3; }
message Resource { repeated KeyValue attributes = 1; uint32 dropped_attributes_count = 2; }
message ScopeSpans { InstrumentationScope scope = 1; repeated Span spans = 2; string schema_url = 3; }
message InstrumentationScope { string name = 1; string version = 2; repeated KeyValue attributes = 3; }
message Span {
  bytes trace_id = 1; bytes span_id = 2; string trace_state = 3; bytes parent_span_id = 4;
  string name = 5; int32 kind = 6; fixed64 start_time_unix_nano = 7; fixed64 end_time_unix_nano = 8;
  repeated KeyValue attributes = 9; uint32 dropped_attributes_count = 10; repeated Event events = 11;
  uint32 dropped_events_count = 12; repeated Link links = 13; uint32 dropped_links_count = 14;
  Status status = 15; fixed32 flags = 16;
}
message Event { fixed64 time_unix_nano = 1; string name = 2; repeated KeyValue attributes = 3; }
message Link { bytes trace_id = 1; bytes span_id = 2; string trace_state = 3; repeated KeyValue attributes = 4; }
message Status { string message = 2; int32 code = 3; }
message KeyValue { string key = 1; AnyValue value = 2; }
message AnyValue {
  oneof value {
    string string_value = 1; bool bool_value = 2; int64 int_value = 3; double double_value = 4;
    ArrayValue array_value = 5; KeyValueList kvlist_value = 6; bytes bytes_value = 7;
  }
}
message ArrayValue { repeated AnyValue values = 1; }
message KeyValueList { repeated KeyValue values = 1; }
`;

const ExportTraceServiceRequest = protobuf.parse(TRACE_PROTO).root.lookupType('ExportTraceServiceRequest');

/** OTLP span kinds by number. */
export const SPAN_KIND = ['UNSPECIFIED', 'INTERNAL', 'SERVER', 'CLIENT', 'PRODUCER', 'CONSUMER'] as const;
export type SpanKindName = (typeof SPAN_KIND)[number];

export type AttributeValue = string | number | boolean | AttributeValue[] | Record<string, unknown>;

export interface ReceivedSpan {
  traceId: string;
  spanId: string;
  /** Undefined for a root span. */
  parentSpanId: string | undefined;
  name: string;
  kind: SpanKindName;
  attributes: Record<string, AttributeValue>;
  links: { traceId: string; spanId: string; attributes: Record<string, AttributeValue> }[];
  events: { name: string; attributes: Record<string, AttributeValue> }[];
  /** 0 unset, 1 ok, 2 error. */
  statusCode: number;
  /** `service.name` of the exporting process. */
  service: string;
  scope: string;
  startTimeUnixNano: bigint;
  /** `application/json` or `application/x-protobuf`: how the span arrived. */
  encoding: string;
}

export interface OtlpReceiver {
  /** Base URL for `OTEL_EXPORTER_OTLP_ENDPOINT` (exporters append `/v1/traces`). */
  readonly url: string;
  readonly spans: ReceivedSpan[];
  /** Spans of one trace, oldest first. */
  trace(traceId: string): ReceivedSpan[];
  close(): Promise<void>;
}

// Both encodings decode to the same camelCase shape; ids are hex in JSON and bytes in protobuf,
// 64-bit integers are strings or numbers in JSON and strings after protobufjs' toObject.
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- untyped wire data, checked by the tests that read it
type Raw = Record<string, any>;

function hexId(value: unknown): string {
  if (value === undefined || value === null) return '';
  return typeof value === 'string' ? value.toLowerCase() : Buffer.from(value as Uint8Array).toString('hex');
}

function anyValue(value: Raw | undefined): AttributeValue {
  if (!value) return '';
  if ('stringValue' in value) return value.stringValue;
  if ('boolValue' in value) return value.boolValue;
  if ('intValue' in value) return Number(value.intValue);
  if ('doubleValue' in value) return Number(value.doubleValue);
  if ('arrayValue' in value) return ((value.arrayValue.values ?? []) as Raw[]).map(anyValue);
  if ('kvlistValue' in value) return attributes(value.kvlistValue.values);
  if ('bytesValue' in value) return hexId(value.bytesValue);
  return '';
}

function attributes(list: Raw[] | undefined): Record<string, AttributeValue> {
  return Object.fromEntries((list ?? []).map((kv) => [kv.key as string, anyValue(kv.value)]));
}

function flatten(request: Raw, encoding: string): ReceivedSpan[] {
  const spans: ReceivedSpan[] = [];
  for (const resourceSpans of (request.resourceSpans ?? []) as Raw[]) {
    const serviceName = attributes(resourceSpans.resource?.attributes)['service.name'];
    const service = typeof serviceName === 'string' ? serviceName : '';
    for (const scopeSpans of (resourceSpans.scopeSpans ?? []) as Raw[]) {
      for (const span of (scopeSpans.spans ?? []) as Raw[]) {
        const parent = hexId(span.parentSpanId);
        spans.push({
          traceId: hexId(span.traceId),
          spanId: hexId(span.spanId),
          parentSpanId: parent === '' ? undefined : parent,
          name: span.name,
          kind: SPAN_KIND[Number(span.kind ?? 0)] ?? 'UNSPECIFIED',
          attributes: attributes(span.attributes),
          links: ((span.links ?? []) as Raw[]).map((link) => ({
            traceId: hexId(link.traceId),
            spanId: hexId(link.spanId),
            attributes: attributes(link.attributes),
          })),
          events: ((span.events ?? []) as Raw[]).map((event) => ({ name: event.name, attributes: attributes(event.attributes) })),
          statusCode: Number(span.status?.code ?? 0),
          service,
          scope: scopeSpans.scope?.name ?? '',
          startTimeUnixNano: BigInt(span.startTimeUnixNano ?? 0),
          encoding,
        });
      }
    }
  }
  return spans;
}

/** Decodes one export request body into spans; throws on a body that is neither encoding. */
export function decodeTraceRequest(body: Buffer, contentType: string): ReceivedSpan[] {
  if (contentType.includes('json')) return flatten(JSON.parse(body.toString('utf8')), 'application/json');
  const message = ExportTraceServiceRequest.decode(body);
  const raw = ExportTraceServiceRequest.toObject(message, { longs: String });
  return flatten(raw, 'application/x-protobuf');
}

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const body = Buffer.concat(chunks);
  return req.headers['content-encoding'] === 'gzip' ? gunzipSync(body) : body;
}

function answer(res: ServerResponse, status: number, contentType: string): void {
  // An empty ExportTraceServiceResponse: zero bytes in protobuf, `{}` in JSON.
  const json = contentType.includes('json');
  res.writeHead(status, { 'content-type': json ? 'application/json' : 'application/x-protobuf' });
  res.end(json ? '{}' : undefined);
}

/** Starts the receiver on a free port of `host` (a container's gateway address, say). */
export async function startOtlpReceiver(host = '127.0.0.1'): Promise<OtlpReceiver> {
  const spans: ReceivedSpan[] = [];
  const server = createServer((req, res) => {
    const contentType = req.headers['content-type'] ?? '';
    readBody(req)
      .then((body) => {
        if (req.method === 'POST' && req.url === '/v1/traces') spans.push(...decodeTraceRequest(body, contentType));
        answer(res, 200, contentType);
      })
      .catch(() => answer(res, 400, contentType));
  });
  await new Promise<void>((resolve) => server.listen(0, host, resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://${host}:${port}`,
    spans,
    trace: (traceId) =>
      spans.filter((span) => span.traceId === traceId).sort((a, b) => (a.startTimeUnixNano < b.startTimeUnixNano ? -1 : 1)),
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}
