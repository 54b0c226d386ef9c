import type { Knex } from 'knex';
import { toIso } from '@cocrm/plugin-access-node';
import type { RemoteImageSender } from '@cocrm/plugin-mail-common';

/** The senders whose remote images a user has chosen to load (显示图片 → 总是显示此发件人的图片). */
export class RemoteImageSenders {
  constructor(private readonly knex: Knex) {}

  async list(userRef: string): Promise<RemoteImageSender[]> {
    const rows = await this.knex('mail_remote_image_senders').where({ user_ref: userRef }).orderBy('address').select('address', 'created_at');
    return rows.map(r => ({ address: r.address, createdAt: toIso(r.created_at) }));
  }

  async add(userRef: string, address: string): Promise<RemoteImageSender> {
    const normalised = address.trim().toLowerCase();
    await this.knex('mail_remote_image_senders').insert({ user_ref: userRef, address: normalised, created_at: new Date() }).onConflict(['user_ref', 'address']).ignore();
    const row = await this.knex('mail_remote_image_senders').where({ user_ref: userRef, address: normalised }).first('address', 'created_at');
    return { address: row.address, createdAt: toIso(row.created_at) };
  }

  async remove(userRef: string, address: string): Promise<boolean> {
    return (await this.knex('mail_remote_image_senders').where({ user_ref: userRef, address: address.trim().toLowerCase() }).delete()) > 0;
  }

  /** Which of these addresses the user allows (addresses lower-cased, as parsed). */
  async allowed(userRef: string, addresses: string[]): Promise<Set<string>> {
    const wanted = [...new Set(addresses.map(a => a.toLowerCase()))];
    if (!wanted.length) return new Set();
    const rows = await this.knex('mail_remote_image_senders').where({ user_ref: userRef }).whereIn('address', wanted).select('address');
    return new Set(rows.map(r => String(r.address)));
  }
}
