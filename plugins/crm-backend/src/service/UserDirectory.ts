import { AuthService } from '@backstage/backend-plugin-api';
import { CatalogService } from '@backstage/plugin-catalog-node';
import { CrmError } from '../errors';

/** Checks that user refs written into records (account managers, visitors) name real catalog users. */
export class UserDirectory {
  constructor(
    private readonly catalog: CatalogService,
    private readonly auth: AuthService,
  ) {}

  async assertUsersExist(field: string, refs: string[]): Promise<void> {
    const unique = [...new Set(refs)];
    if (unique.length === 0) return;
    const { items } = await this.catalog.getEntitiesByRefs(
      { entityRefs: unique, fields: ['kind', 'metadata.name'] },
      { credentials: await this.auth.getOwnServiceCredentials() },
    );
    items.forEach((entity, i) => {
      if (!entity || entity.kind !== 'User') {
        throw CrmError.field(`${field}.${refs.indexOf(unique[i])}`, 'userNotFound', { ref: unique[i] });
      }
    });
  }
}
