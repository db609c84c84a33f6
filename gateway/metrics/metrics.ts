// The Prometheus metrics of one gateway process, on their own registry (passed down, no global). Under
// `serve --workers N` the primary sums the workers' registries (gateway/metrics/cluster.ts); values read
// from the shared database (queue depth, age) are the same in every worker, so they aggregate by max.

import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { IntakeOutcome } from '../intake/intake.js';

/** Durations of a check: from a fraction of a millisecond (headers) to seconds (S/MIME, archives, clamd). */
const CHECK_BUCKETS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

export class GatewayMetrics {
  readonly registry = new Registry();
  private readonly smtpSessions = new Counter({ name: 'docgate_smtp_sessions_total', help: 'SMTP connections accepted', registers: [this.registry] });
  private readonly smtpActive = new Gauge({ name: 'docgate_smtp_sessions_active', help: 'SMTP connections open now', registers: [this.registry] });
  private readonly messages = new Counter({
    name: 'docgate_messages_total',
    help: 'Messages at the end of DATA, by outcome (accepted, returned, quarantined, deferred, refused) and reason code',
    labelNames: ['outcome', 'reason'] as const,
    registers: [this.registry],
  });
  private readonly checkSeconds = new Histogram({
    name: 'docgate_check_duration_seconds',
    help: 'Time one policy check took on one message',
    labelNames: ['check'] as const,
    buckets: CHECK_BUCKETS,
    registers: [this.registry],
  });
  private readonly dataSeconds = new Histogram({
    name: 'docgate_smtp_data_duration_seconds',
    help: 'End of DATA to the reply: spool, parse, checks, register and commit',
    buckets: CHECK_BUCKETS,
    registers: [this.registry],
  });
  private readonly imapTotal = new Counter({ name: 'docgate_imap_connections_total', help: 'IMAP connections accepted', registers: [this.registry] });
  private readonly imapCommands = new Counter({
    name: 'docgate_imap_commands_total',
    help: 'IMAP commands dispatched, by name',
    labelNames: ['command'] as const,
    registers: [this.registry],
  });

  smtpOpened(): void {
    this.smtpSessions.inc();
    this.smtpActive.inc();
  }

  smtpClosed(): void {
    this.smtpActive.dec();
  }

  /** One message's end of DATA: its outcome and, when the checks ran, each check's time. */
  intakeDone(outcome: IntakeOutcome, seconds: number): void {
    this.dataSeconds.observe(seconds);
    if (outcome.kind === 'refused') {
      this.messages.inc({ outcome: 'refused', reason: outcome.violation.kind });
      return;
    }
    this.messages.inc({ outcome: outcome.kind, reason: outcome.verdict.reason });
    for (const o of outcome.verdict.outcomes) this.checkSeconds.observe({ check: o.check }, o.durationMs / 1000);
  }

  /** A message whose end of DATA failed inside the gateway (answered 451 internal-error). */
  intakeFailed(): void {
    this.messages.inc({ outcome: 'deferred', reason: 'internal-error' });
  }

  imapOpened(): void {
    this.imapTotal.inc();
  }

  imapCommand(name: string): void {
    this.imapCommands.inc({ command: name });
  }

  /** A gauge computed at each scrape (and summed across cluster workers unless `aggregator` says otherwise). */
  gauge<L extends string>(spec: {
    name: string;
    help: string;
    labelNames?: readonly L[];
    aggregator?: 'sum' | 'max';
    collect: (set: (labels: Partial<Record<L, string>>, value: number) => void) => Promise<void> | void;
  }): void {
    const gauge: Gauge<L> = new Gauge<L>({
      name: spec.name,
      help: spec.help,
      labelNames: spec.labelNames ?? [],
      aggregator: spec.aggregator ?? 'sum',
      registers: [this.registry],
      async collect() {
        gauge.reset();
        await spec.collect((labels, value) => gauge.set(labels, value));
      },
    });
  }

  /** A counter whose total is kept elsewhere (a byte count in storage): reported as it stands at each scrape. */
  counterFrom(spec: { name: string; help: string; read: () => number }): void {
    let reported = 0;
    const counter: Counter = new Counter({
      name: spec.name,
      help: spec.help,
      registers: [this.registry],
      collect() {
        const now = spec.read();
        if (now > reported) counter.inc(now - reported);
        reported = now;
      },
    });
  }
}
