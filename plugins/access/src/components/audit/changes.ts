import { useCallback } from 'react';
import { DATA_SCOPES } from '@cocrm/plugin-access-common';
import type { AuditEntry, DataScope } from '@cocrm/plugin-access-common';
import { useAccessT } from '../common/i18n';
import { isScopedCell, useAccessModel } from '../common/model';
import { useNames } from '../common/org';
import { formatChangeValue } from './values';

const str = (v: unknown) => (typeof v === 'string' ? v : undefined);

/**
 * Field names and values of audit changes in words: model field labels for
 * plugin records, and for 系统设置's own records the grants, field rules and
 * members a role change carries ("客户 · 查看：指定部门 销售一部").
 */
export function useChangeText() {
  const { t, label, actionLabel, scopeLabel, groupLabel } = useAccessT();
  const { byType, resources } = useAccessModel();
  const { subjectName, departmentName } = useNames();

  const resourceOf = useCallback(
    (entry: AuditEntry) =>
      resources.find(
        r => r.resourceType === entry.recordType || r.resourceType === `${entry.source}-${entry.recordType}`,
      ),
    [resources],
  );

  const fieldLabel = (entry: AuditEntry, field: string): string => {
    if (entry.source === 'access') return groupLabel('audit.accessFields', field);
    return label(resourceOf(entry)?.fields.find(f => f.name === field)?.label, field);
  };

  const describeObject = (v: Record<string, unknown>): string | undefined => {
    const resourceType = str(v.resourceType);
    const resource = resourceType ? byType.get(resourceType) : undefined;
    const resourceName = resourceType ? label(resource?.label, resourceType) : '';
    const scope = str(v.scope);
    if (resourceType && str(v.action) && scope && (DATA_SCOPES as readonly string[]).includes(scope)) {
      const action = str(v.action)!;
      let scopeText = scopeLabel(scope as DataScope);
      if (scope === 'all' && resource && !isScopedCell(resource, action as never)) scopeText = t('scope.allow');
      if (scope === 'specified' && Array.isArray(v.departments)) {
        scopeText += ` ${v.departments.map(d => departmentName(String(d))).join('、')}`;
      }
      return `${resourceName} · ${actionLabel(action)}：${scopeText}`;
    }
    const field = str(v.field);
    if (resourceType && field && (v.mode === 'hidden' || v.mode === 'readOnly')) {
      const fieldName = label(resource?.fields.find(f => f.name === field)?.label, field);
      return `${resourceName} · ${fieldName}：${v.mode === 'hidden' ? t('role.hidden') : t('role.readOnly')}`;
    }
    const ref = str(v.ref);
    if (ref && (v.kind === 'user' || v.kind === 'department')) {
      const kind = v.kind === 'user' ? t('common.user') : t('common.department');
      const sub = v.includeSubdepartments ? `（${t('common.includeSubdepartmentsShort')}）` : '';
      return `${kind} ${subjectName(ref)}${sub}`;
    }
    return undefined;
  };

  const valueText = (value: unknown): string =>
    formatChangeValue(value, {
      empty: t('common.empty'),
      yes: t('common.yes'),
      no: t('common.no'),
      refName: subjectName,
      describeObject,
    });

  return { fieldLabel, valueText };
}
