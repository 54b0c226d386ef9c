import { useEffect, useState } from 'react';
import { Link as RouterLink } from 'react-router-dom';
import Box from '@mui/material/Box';
import Button from '@mui/material/Button';
import Link from '@mui/material/Link';
import Paper from '@mui/material/Paper';
import Typography from '@mui/material/Typography';
import HistoryIcon from '@mui/icons-material/History';
import EventIcon from '@mui/icons-material/Event';
import PersonIcon from '@mui/icons-material/Person';
import BusinessIcon from '@mui/icons-material/Business';
import MailIcon from '@mui/icons-material/MailOutline';
import DescriptionIcon from '@mui/icons-material/DescriptionOutlined';
import { useApi } from '@backstage/frontend-plugin-api';
import type { Customer, TimelineEntry } from '@cocrm/plugin-crm-common';
import { EmptyState, LoadingState } from '@cocrm/suite-react';
import { crmApiRef } from '../../api/CrmClient';
import { customerMailThreadLink, useCrmLinks } from '../../routes';
import { useCrmT } from '../common/i18n';
import { ErrorState } from '../common/feedback';
import { formatDateTime, formatMoney } from '../common/format';
import { useUserNames } from '../common/users';
import { formatFieldValue } from '../common/values';
import { useDepartmentNames } from '../common/departments';

function iconFor(entry: TimelineEntry) {
  if (entry.source === 'mail') return <MailIcon fontSize="small" />;
  if (entry.kind === 'visit') return <EventIcon fontSize="small" />;
  if (entry.kind.startsWith('contact.')) return <PersonIcon fontSize="small" />;
  if (entry.kind.startsWith('customer.')) return <BusinessIcon fontSize="small" />;
  if (entry.kind.startsWith('contract.')) return <DescriptionIcon fontSize="small" />;
  return <HistoryIcon fontSize="small" />;
}

/** 动态: newest first, paged with `nextBefore`; unknown sources/kinds still show title and summary. */
export function CustomerTimelineTab({ customer, revision = 0 }: { customer: Customer; revision?: number }) {
  const crm = useCrmT();
  const { t, tAny, fieldLabel } = crm;
  const api = useApi(crmApiRef);
  const links = useCrmLinks();
  const userName = useUserNames();
  const departmentName = useDepartmentNames();
  const [items, setItems] = useState<TimelineEntry[]>([]);
  const [next, setNext] = useState<string | null>(null);
  const [loading, setLoading] = useState(true);
  const [error, setError] = useState<unknown>();
  const [nonce, setNonce] = useState(0);

  useEffect(() => {
    let live = true;
    setLoading(true);
    setError(undefined);
    api.getTimeline(customer.id, { limit: 20 }).then(
      page => {
        if (!live) return;
        setItems(page.items);
        setNext(page.nextBefore);
        setLoading(false);
      },
      e => {
        if (!live) return;
        setError(e);
        setLoading(false);
      },
    );
    return () => {
      live = false;
    };
  }, [api, customer.id, revision, nonce]);

  const loadMore = async () => {
    if (!next) return;
    setLoading(true);
    try {
      const page = await api.getTimeline(customer.id, { before: next, limit: 20 });
      setItems(prev => [...prev, ...page.items.filter(i => !prev.some(p => p.id === i.id))]);
      setNext(page.nextBefore);
    } catch (e) {
      setError(e);
    } finally {
      setLoading(false);
    }
  };

  const kindLabel = (entry: TimelineEntry) => {
    if (entry.source !== 'crm' && entry.source !== 'mail') return '';
    const key = `timeline.kinds.${entry.kind}`;
    const label = tAny(key);
    return label === key ? '' : label;
  };

  const linkFor = (entry: TimelineEntry) => {
    if (!entry.link) return undefined;
    if (entry.link.type === 'customer') return links.customer(entry.link.id);
    if (entry.link.type === 'contact') return links.contact(entry.link.id);
    if (entry.link.type === 'visit') return `${links.customer(customer.id)}?tab=visits`;
    if (entry.link.type === 'contract') return links.contract(entry.link.id);
    // the mail plugin's page of the conversation as this customer shares it, outside the CRM
    if (entry.link.type === 'mail-thread') return customerMailThreadLink(customer.id, entry.link.id);
    return undefined;
  };

  const titleOf = (entry: TimelineEntry) => (entry.source === 'mail' && !entry.title ? t('timeline.noSubject') : entry.title);

  if (loading && items.length === 0 && !error) return <LoadingState />;
  if (error && items.length === 0) return <ErrorState error={error} onRetry={() => setNonce(n => n + 1)} />;
  if (items.length === 0) return <EmptyState title={t('timeline.empty')} />;

  return (
    <Box data-testid="crm-timeline">
      {items.map(entry => {
        const href = linkFor(entry);
        const label = kindLabel(entry);
        return (
          <Paper key={entry.id} variant="outlined" sx={{ p: 1.5, mb: 1, display: 'flex', gap: 1.5 }} data-testid="crm-timeline-entry">
            <Box sx={{ color: 'text.secondary', pt: 0.25 }}>{iconFor(entry)}</Box>
            <Box sx={{ flex: 1, minWidth: 0 }}>
              <Box sx={{ display: 'flex', gap: 1, flexWrap: 'wrap', alignItems: 'baseline' }}>
                {/* mail has a sender, not an actor in the CRM: the label says received or sent */}
                {(entry.actor || entry.source !== 'mail') && (
                  <Typography variant="body2" sx={{ fontWeight: 600 }}>
                    {entry.actor ? userName(entry.actor) : t('timeline.system')}
                  </Typography>
                )}
                {label && <Typography variant="body2">{label}</Typography>}
                <Typography variant="body2" sx={{ wordBreak: 'break-word' }}>
                  {href ? (
                    <Link component={RouterLink} to={href} data-testid={entry.source === 'mail' ? 'crm-timeline-mail-link' : undefined}>
                      {titleOf(entry)}
                    </Link>
                  ) : (
                    titleOf(entry)
                  )}
                </Typography>
                {entry.amount && (
                  <Typography variant="body2" sx={{ fontWeight: 600 }} data-testid="crm-timeline-amount">
                    {formatMoney(entry.amount)}
                  </Typography>
                )}
                <Box sx={{ flex: 1 }} />
                <Typography variant="caption" color="text.secondary" sx={{ whiteSpace: 'nowrap' }}>
                  {formatDateTime(entry.at)}
                </Typography>
              </Box>
              {entry.summary && (
                <Typography variant="body2" color="text.secondary" sx={{ whiteSpace: 'pre-wrap', mt: 0.5 }}>
                  {entry.summary}
                </Typography>
              )}
              {entry.changes && entry.changes.length > 0 && (
                <Box component="ul" sx={{ m: 0, mt: 0.5, pl: 2.5 }}>
                  {entry.changes.map(c => (
                    <Typography component="li" variant="body2" key={c.field} data-testid="crm-timeline-change">
                      {fieldLabel(c.field)}: {formatFieldValue(c.field, c.from, { t: crm, userName, departmentName }) || t('timeline.emptyValue')}
                      {' → '}
                      {formatFieldValue(c.field, c.to, { t: crm, userName, departmentName }) || t('timeline.emptyValue')}
                    </Typography>
                  ))}
                </Box>
              )}
            </Box>
          </Paper>
        );
      })}
      {!!error && <ErrorState error={error} onRetry={loadMore} />}
      {next && (
        <Box sx={{ textAlign: 'center', mt: 1 }}>
          <Button onClick={loadMore} disabled={loading} data-testid="crm-timeline-more">
            {loading ? t('common.loading') : t('timeline.loadMore')}
          </Button>
        </Box>
      )}
    </Box>
  );
}
