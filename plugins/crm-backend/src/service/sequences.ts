import { Knex } from 'knex';

/**
 * Next value of a per-type number sequence (客户编号 …). The UPDATE takes the
 * row lock on PostgreSQL and the write lock on SQLite, so concurrent
 * transactions get distinct numbers.
 */
export async function nextSequenceValue(tx: Knex.Transaction, name: string): Promise<number> {
  const updated = await tx('crm_sequences').where({ name }).increment('value', 1);
  if (!updated) {
    await tx('crm_sequences').insert({ name, value: 1 });
    return 1;
  }
  const row = await tx('crm_sequences').where({ name }).first('value');
  return Number(row.value);
}

export function formatNumber(prefix: string, value: number): string {
  return `${prefix}${String(value).padStart(6, '0')}`;
}
