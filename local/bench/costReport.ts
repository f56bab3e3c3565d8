import { BILLING_RULES, PRICES } from './prices.js';
import type { Section } from './section.js';

/** Every price used, with where and when it was read. */
export function pricesSection(): Section {
  return {
    title: 'Prices used',
    headers: ['item', 'price', 'region', 'read', 'official page', 'source'],
    rows: Object.values(PRICES).map((price) => [
      price.item,
      price.usd === null ? 'not found' : `$${price.usd} per ${price.unit}`,
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
