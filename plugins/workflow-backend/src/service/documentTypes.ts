import { DOCUMENT_FIELD_KINDS, DocumentTypeSpec } from '@cocrm/plugin-workflow-common';

/** The document types plugins registered (workflow-node's extension point), by type. */
export type DocumentTypes = ReadonlyMap<string, DocumentTypeSpec>;

const TYPE = /^[a-z][a-z0-9.-]{1,63}$/;
const PLUGIN_ID = /^[a-z0-9][a-z0-9-]*$/;

/**
 * Adds registered types, refusing what would only fail later: a malformed
 * spec, or a type another plugin already registered (two owners of one type
 * would let either submit for the other). Errors stop the backend at start.
 */
export function addDocumentTypes(registry: Map<string, DocumentTypeSpec>, specs: DocumentTypeSpec[]) {
  for (const spec of specs) {
    const problem =
      (!TYPE.test(spec.type) && 'the type must match /^[a-z][a-z0-9.-]{1,63}$/') ||
      (!PLUGIN_ID.test(spec.pluginId ?? '') && 'pluginId is missing or malformed') ||
      ((!spec.label?.['zh-CN'] || !spec.label?.en) && 'a label in zh-CN and en is required') ||
      (!spec.link?.startsWith('/') && 'link must be a portal path such as /crm/contracts/{id}') ||
      (new Set(spec.fields.map(f => f.name)).size !== spec.fields.length && 'field names must be unique') ||
      (spec.fields.some(f => !DOCUMENT_FIELD_KINDS.includes(f.kind)) && `field kinds are ${DOCUMENT_FIELD_KINDS.join(', ')}`);
    if (problem) throw new Error(`workflow document type "${spec.type}" of plugin "${spec.pluginId}": ${problem}`);
    const existing = registry.get(spec.type);
    if (existing) throw new Error(`workflow document type "${spec.type}" is registered twice (plugins "${existing.pluginId}" and "${spec.pluginId}")`);
    registry.set(spec.type, spec);
  }
}
