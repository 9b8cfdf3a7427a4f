import { Registry, collectDefaultMetrics } from 'prom-client';

/**
 * The one Prometheus registry every husk metric registers in. Domains create
 * their own metrics with `registers: [metricsRegistry]`, names prefixed `husk_`.
 */
export const metricsRegistry = new Registry();
collectDefaultMetrics({ register: metricsRegistry });
