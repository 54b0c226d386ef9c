import { LoggerService } from '@backstage/backend-plugin-api';
import { ACCESS_MODELS, AccessAction, ResourceModel, permissionName } from '@cocrm/plugin-access-common';

/**
 * The resource types grants may name: the access plugin's own and those other
 * plugins declare through the model extension point. Fixed once the backend
 * has started (extension points are only called during startup).
 */
export class ModelRegistry {
  private readonly byType = new Map<string, ResourceModel>();

  constructor(private readonly logger?: Pick<LoggerService, 'warn'>) {
    this.add(...ACCESS_MODELS);
  }

  add(...models: ResourceModel[]): void {
    for (const model of models) {
      if (this.byType.has(model.resourceType)) {
        // a second declaration would silently change what existing grants mean
        this.logger?.warn(`access model: resource type ${model.resourceType} declared twice (by ${model.pluginId}); keeping the first`);
        continue;
      }
      this.byType.set(model.resourceType, model);
    }
  }

  all(): ResourceModel[] {
    return [...this.byType.values()];
  }

  get(resourceType: string): ResourceModel | undefined {
    return this.byType.get(resourceType);
  }

  /** The resource type and action a permission name stands for, e.g. `crm.customer.update`. */
  byPermission(name: string): { model: ResourceModel; action: AccessAction } | undefined {
    for (const model of this.byType.values()) {
      for (const action of model.actions) if (permissionName(model, action) === name) return { model, action };
    }
    return undefined;
  }
}
