import { AuthService } from '@backstage/backend-plugin-api';
import { CatalogService } from '@backstage/plugin-catalog-node';
import { CrmError } from '../errors';

/** Checks that user refs written into records (account managers, visitors) name real catalog users. */
export class UserDirectory {
  constructor(
    private readonly catalog: CatalogService,
    private readonly auth: AuthService,
  ) {}

  /** The refs among `refs` that name no catalog user. */
  async missing(refs: string[]): Promise<string[]> {
    const unique = [...new Set(refs)];
    if (unique.length === 0) return [];
    const { items } = await this.catalog.getEntitiesByRefs(
      { entityRefs: unique, fields: ['kind', 'metadata.name'] },
      { credentials: await this.auth.getOwnServiceCredentials() },
    );
    return unique.filter((_, i) => !items[i] || items[i]!.kind !== 'User');
  }

  async assertUsersExist(field: string, refs: string[]): Promise<void> {
    const [first] = await this.missing(refs);
    if (first) throw CrmError.field(`${field}.${refs.indexOf(first)}`, 'userNotFound', { ref: first });
  }
}
