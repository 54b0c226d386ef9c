import fs from 'node:fs';
import path from 'node:path';
import yaml from 'yaml';
import { Entity } from '@backstage/catalog-model';

type Doc = {
  kind: string;
  metadata: { name: string; annotations?: Record<string, string> };
  spec: { parent?: string; memberOf?: string[]; profile?: { displayName?: string } };
};

/** The demo org of examples/org.yaml, related the way the catalog relates it. */
export function demoOrgEntities(): Entity[] {
  const docs = yaml
    .parseAllDocuments(fs.readFileSync(path.resolve(__dirname, '../../../../examples/org.yaml'), 'utf8'))
    .map(d => d.toJS() as Doc);
  return docs.map(d => ({
    apiVersion: 'backstage.io/v1alpha1',
    kind: d.kind,
    metadata: { ...d.metadata, namespace: 'default' },
    spec: d.spec,
    relations: [
      ...(d.spec.memberOf ?? []).map(g => ({ type: 'memberOf', targetRef: `group:default/${g}` })),
      ...(d.spec.parent ? [{ type: 'childOf', targetRef: `group:default/${d.spec.parent}` }] : []),
    ],
  }));
}

