import { Counter, Histogram, Gauge } from 'prom-client';
import { metricsRegistry } from './registry.js';

export const rpcRequests = new Counter({
  name: 'husk_grpc_requests_total',
  help: 'CRI gRPC requests handled, by method and status code.',
  labelNames: ['method', 'code'] as const,
  registers: [metricsRegistry],
});

export const rpcDuration = new Histogram({
  name: 'husk_grpc_request_duration_seconds',
  help: 'CRI gRPC request latency, by method and status code.',
  labelNames: ['method', 'code'] as const,
  buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120],
  registers: [metricsRegistry],
});

export const rpcInFlight = new Gauge({
  name: 'husk_grpc_requests_in_flight',
  help: 'CRI gRPC requests (and open streams) being handled now.',
  labelNames: ['method'] as const,
  registers: [metricsRegistry],
});
