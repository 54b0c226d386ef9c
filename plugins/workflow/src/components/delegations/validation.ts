import { fromShanghaiLocalInput } from '../common/format';
import type { WorkflowTranslate } from '../common/i18n';

/** The 委托 form as the user fills it: local Shanghai date-times from datetime-local inputs. */
export interface DelegationDraft {
  delegate: string | null;
  allTypes: boolean;
  documentTypes: string[];
  startsAt: string;
  endsAt: string;
}

export interface DelegationCheck {
  errors: Partial<Record<'delegate' | 'documentTypes' | 'startsAt' | 'endsAt', string>>;
  /** ISO instants, when both parse */
  startsAt?: string;
  endsAt?: string;
}

/**
 * The checks the backend makes (not oneself, end after start) plus those
 * only a form needs (required fields, at least one type when not "all",
 * an end in the future — a delegation that is over never applies).
 */
export function checkDelegation(
  draft: DelegationDraft,
  ctx: { me: string | undefined; now: Date; t: WorkflowTranslate },
): DelegationCheck {
  const { t } = ctx;
  const errors: DelegationCheck['errors'] = {};
  if (!draft.delegate) errors.delegate = t('delegations.errors.delegateRequired');
  else if (ctx.me && draft.delegate.toLowerCase() === ctx.me.toLowerCase())
    errors.delegate = t('delegations.errors.self');
  if (!draft.allTypes && draft.documentTypes.length === 0) errors.documentTypes = t('delegations.errors.typesRequired');
  const startsAt = draft.startsAt ? fromShanghaiLocalInput(draft.startsAt) : null;
  const endsAt = draft.endsAt ? fromShanghaiLocalInput(draft.endsAt) : null;
  if (!draft.startsAt) errors.startsAt = t('delegations.errors.required');
  else if (!startsAt) errors.startsAt = t('delegations.errors.invalidDate');
  if (!draft.endsAt) errors.endsAt = t('delegations.errors.required');
  else if (!endsAt) errors.endsAt = t('delegations.errors.invalidDate');
  else if (startsAt && endsAt <= startsAt) errors.endsAt = t('delegations.errors.endBeforeStart');
  else if (new Date(endsAt) <= ctx.now) errors.endsAt = t('delegations.errors.endInPast');
  return { errors, startsAt: startsAt ?? undefined, endsAt: endsAt ?? undefined };
}
