import { Registry, collectDefaultMetrics } from 'prom-client';

/**
 * The one Prometheus registry every husk metric registers in. Domains create
 * their own metrics with `registers: [metricsRegistry]`, names prefixed `husk_`.
 */
export const metricsRegistry = new Registry();

/**
 * How often the event-loop delay histogram samples. prom-client's 10 ms
 * default wakes an idle daemon 100 times a second; a stall long enough to
 * matter to kubelet still shows at this resolution.
 */
const EVENT_LOOP_SAMPLE_MS = 200;

collectDefaultMetrics({ register: metricsRegistry, eventLoopMonitoringPrecision: EVENT_LOOP_SAMPLE_MS });
