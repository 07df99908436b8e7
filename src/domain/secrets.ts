/** A customer's carrier secrets: what an operator must never read, in a log or in the Web UI. */
export const CUSTOMER_SECRET_FIELDS = ['pin', 'accountNumber'] as const;

export const REDACTED = '[REDACTED]';

/**
 * `value` with every customer secret replaced by `[REDACTED]`, at any depth; the rest as it
 * was. Returns the same object when there was nothing to hide.
 */
export function redactCustomerSecrets(value: unknown): unknown {
  if (Array.isArray(value)) {
    const items = value.map(redactCustomerSecrets);
    return items.some((item, index) => item !== value[index]) ? items : value;
  }
  if (value === null || typeof value !== 'object') return value;
  let changed = false;
  const entries = Object.entries(value).map(([key, field]) => {
    const redacted = (CUSTOMER_SECRET_FIELDS as readonly string[]).includes(key)
      ? REDACTED
      : redactCustomerSecrets(field);
    if (redacted !== field) changed = true;
    return [key, redacted] as const;
  });
  return changed ? Object.fromEntries(entries) : value;
}
