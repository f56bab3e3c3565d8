import { formatPrice } from './cost.js';
import { BILLING_RULES, PRICES } from './prices.js';
import type { BenchResults } from './results.js';
import type { Section } from './section.js';

/** The daily bill of each option, with its basis and the assumptions behind it. */
export function costSection({ cost }: BenchResults): Section {
  const money = (value: number | null, days: number) =>
    value === null ? 'not found' : `$${(value * days).toFixed(2)}`;
  return {
    title: `Cost of ${(cost.dailyBytes / 1e12).toFixed(0)} TB a day`,
    headers: ['option', '$ per day', '$ per 30 days', 'basis'],
    rows: cost.lines.map((line) => [
      line.option,
      money(line.usdPerDay, 1),
      money(line.usdPerDay, 30),
      line.basis,
    ]),
    notes: [
      `Compute per GB ingested on one core, zstd: ${cost.computeSecondsPerGb.body.toFixed(1)} s (body lines), ` +
        `${cost.computeSecondsPerGb.envelope.toFixed(1)} s (envelopes).`,
      ...cost.assumptions,
    ],
  };
}

/** Every price used, with where and when it was read. */
export function pricesSection(): Section {
  return {
    title: 'Prices used',
    headers: ['item', 'price', 'region', 'read', 'official page', 'source'],
    rows: Object.values(PRICES).map((price) => [
      price.item,
      price.usd === null ? 'not found' : `${formatPrice(price.usd)} per ${price.unit}`,
      price.region,
      price.read,
      price.official ? 'yes' : 'no',
      price.note ? `${price.source} (${price.note})` : price.source,
    ]),
    notes: [
      'List prices as read on the date shown; "official page: no" means the provider’s page did not show the number in a ' +
        'form that could be read, and the figure comes from the page named instead. Check them before relying on a total.',
    ],
  };
}

/** The billing rules and capacity figures the cost lines rest on, each from the provider's documentation. */
export function billingRulesSection(): Section {
  return {
    title: 'Billing rules used',
    headers: ['rule', 'read', 'source'],
    rows: Object.values(BILLING_RULES).map((rule) => [rule.rule, rule.read, rule.source]),
    notes: [],
  };
}
