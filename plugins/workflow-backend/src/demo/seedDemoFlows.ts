import { readFile } from 'fs/promises';
import { LoggerService } from '@backstage/backend-plugin-api';
import type { FlowDefinition } from '@cocrm/plugin-workflow-common';
import type { FlowService } from '../service/FlowService';
import { WorkflowError } from '../errors';

/**
 * Publishes the demo flows (`workflow.demoFlows.file`) for document types
 * that have none yet, so a fresh demo portal can approve contracts at once.
 * A flow an admin already designed — or deleted and re-created — is left alone;
 * replicas racing here lose on the unique document type and say nothing.
 */
export async function seedDemoFlows(deps: { file: string; flows: FlowService; logger: LoggerService }) {
  const definitions = JSON.parse(await readFile(deps.file, 'utf8')) as FlowDefinition[];
  const existing = new Set((await deps.flows.list()).map(f => f.documentType));
  for (const definition of definitions) {
    if (existing.has(definition.documentType)) continue;
    try {
      await deps.flows.create('system', definition);
      deps.logger.info(`published the demo flow 「${definition.name}」 for ${definition.documentType}`);
    } catch (e) {
      if (e instanceof WorkflowError && e.status === 409) continue;
      throw e;
    }
  }
}
