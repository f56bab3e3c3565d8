/**
 * A seeded generator of application events shaped like real clickstream and order traffic: nested
 * objects, repeated vocabularies, ids and free text, so they compress like real JSON rather than like
 * random bytes or padding. The same seed always gives the same events.
 */

const EVENT_TYPES = [
  'page_view',
  'page_view',
  'page_view',
  'search',
  'add_to_cart',
  'checkout',
  'purchase',
] as const;
const COUNTRIES = ['DE', 'FR', 'US', 'GB', 'NL', 'ES', 'IT', 'PL', 'SE', 'BR', 'IN', 'JP'] as const;
const DEVICES = ['desktop', 'mobile', 'tablet'] as const;
const BROWSERS = [
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0 Safari/537.36',
  'Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Mobile/15E148 Safari/604.1',
  'Mozilla/5.0 (Macintosh; Intel Mac OS X 14_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Safari/605.1.15',
  'Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0',
] as const;
const CATEGORIES = ['shoes', 'jackets', 'bags', 'watches', 'kitchen', 'garden', 'books', 'toys'] as const;
const SEARCH_TERMS = [
  'running shoes',
  'rain jacket',
  'leather bag',
  'gift for dad',
  'espresso machine',
  'kids lego',
];
const CAMPAIGNS = ['newsletter_w47', 'black_friday', 'retargeting', 'organic', 'affiliate_12'] as const;

/** mulberry32: tiny, fast and good enough to make test data reproducible. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export interface GeneratedEvent {
  /** Partition key: the user, so one user's events stay in order on one partition. */
  readonly key: string;
  readonly body: Buffer;
  readonly properties: Record<string, string>;
}

export function createEventGenerator(seed: number): (eventTimeMs: number) => GeneratedEvent {
  const random = seededRandom(seed);
  const pick = <T>(values: readonly T[]): T => values[Math.floor(random() * values.length)] as T;
  const hex = (length: number) =>
    Array.from({ length }, () => Math.floor(random() * 16).toString(16)).join('');
  const users = Array.from({ length: 5000 }, (_, index) => ({
    id: `u_${(index * 7919 + 104729).toString(36)}`,
    country: pick(COUNTRIES),
    device: pick(DEVICES),
    userAgent: pick(BROWSERS),
  }));

  return (eventTimeMs) => {
    const user = pick(users);
    const type = pick(EVENT_TYPES);
    const category = pick(CATEGORIES);
    const sku = `${category.slice(0, 3).toUpperCase()}-${Math.floor(random() * 90000 + 10000)}`;
    const items =
      type === 'checkout' || type === 'purchase'
        ? Array.from({ length: 1 + Math.floor(random() * 4) }, () => ({
            sku: `${pick(CATEGORIES).slice(0, 3).toUpperCase()}-${Math.floor(random() * 90000 + 10000)}`,
            quantity: 1 + Math.floor(random() * 3),
            unitPrice: Math.round(random() * 20000) / 100,
          }))
        : undefined;
    const event = {
      eventId: `${hex(8)}-${hex(4)}-4${hex(3)}-${hex(4)}-${hex(12)}`,
      eventType: type,
      eventTime: new Date(eventTimeMs).toISOString(),
      user: { id: user.id, country: user.country, device: user.device, loggedIn: random() > 0.3 },
      session: { id: `s_${hex(16)}`, pageIndex: Math.floor(random() * 40), campaign: pick(CAMPAIGNS) },
      page: {
        url: `https://shop.example.com/${category}/${type === 'search' ? 'search' : sku.toLowerCase()}`,
        referrer:
          random() > 0.5 ? `https://shop.example.com/${pick(CATEGORIES)}` : 'https://www.example.org/',
        title: `${category[0]?.toUpperCase()}${category.slice(1)} | Example Shop`,
      },
      context: {
        userAgent: user.userAgent,
        ip: `203.0.113.${Math.floor(random() * 255)}`,
        locale: `${user.country.toLowerCase()}-${user.country}`,
      },
      ...(type === 'search'
        ? { search: { query: pick(SEARCH_TERMS), results: Math.floor(random() * 500) } }
        : {}),
      ...(items
        ? {
            order: {
              id: `o_${hex(12)}`,
              currency: 'EUR',
              items,
              total:
                Math.round(items.reduce((sum, item) => sum + item.quantity * item.unitPrice, 0) * 100) / 100,
            },
          }
        : { product: { sku, category, price: Math.round(random() * 20000) / 100, inStock: random() > 0.1 } }),
    };
    return {
      key: user.id,
      body: Buffer.from(JSON.stringify(event)),
      properties: { contentType: 'application/json', source: 'shop-frontend' },
    };
  };
}
