import { Counter, Gauge, Histogram } from 'prom-client';
import { metricsRegistry } from '../metrics/registry.js';

export const imagePulls = new Counter({
  name: 'husk_image_pulls_total',
  help: 'Image pulls finished, by result (success or failure).',
  labelNames: ['result'] as const,
  registers: [metricsRegistry],
});

export const imagePullBytes = new Counter({
  name: 'husk_image_pull_bytes_total',
  help: 'Bytes received from registries (manifests, configs, layers).',
  registers: [metricsRegistry],
});

export const imagePullDuration = new Histogram({
  name: 'husk_image_pull_duration_seconds',
  help: 'Wall time of image pulls, by result.',
  labelNames: ['result'] as const,
  buckets: [0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600],
  registers: [metricsRegistry],
});

export const imagePullsInFlight = new Gauge({
  name: 'husk_image_pulls_in_flight',
  help: 'Image pulls running now.',
  registers: [metricsRegistry],
});
