import type { MailServices } from '../createMail';
import { CrmRoutingClient, HttpCrmRoutingClient, unconfiguredCrmClient } from './CrmRoutingClient';
import { CustomerVisibility } from './CustomerVisibility';
import { LeadSuggestions } from './LeadSuggestions';
import { RoutedMail } from './RoutedMail';
import { RoutingService } from './RoutingService';
import { ThreadLinks } from './ThreadLinks';

export { CrmUnavailableError, HttpCrmRoutingClient } from './CrmRoutingClient';
export type { CrmRoutingClient, CrmMatch, CrmCustomerRef, CrmContactRef, CrmContractRef } from './CrmRoutingClient';
export { RoutingService } from './RoutingService';
export type { RouteResult } from './RoutingService';
export { RoutedMail } from './RoutedMail';
export { ThreadLinks } from './ThreadLinks';
export { LeadSuggestions } from './LeadSuggestions';
export { CustomerVisibility } from './CustomerVisibility';

/** Routing's parts: the after-parse hook and retry (service), what pages show (routed, links), lead suggestions. */
export interface MailRouting {
  service: RoutingService;
  routed: RoutedMail;
  links: ThreadLinks;
  leads: LeadSuggestions;
  crm: CrmRoutingClient;
}

const installed = new WeakMap<MailServices, MailRouting>();

/**
 * Builds routing on the mail services, puts its hook into `mail.hooks` (after
 * the ones already there: search text first) and routePending into
 * `mail.jobs`. Installing again — a test with a fake CRM — replaces both
 * instead of adding second ones.
 */
export function installRouting(mail: MailServices, options: { crm?: CrmRoutingClient } = {}): MailRouting {
  const { env, access } = mail;
  const crm = options.crm ?? (env.discovery && env.auth ? new HttpCrmRoutingClient({ discovery: env.discovery, auth: env.auth }) : unconfiguredCrmClient);
  const customers = new CustomerVisibility(env.permissions);
  const leads = new LeadSuggestions({ knex: env.knex, access });
  const service = new RoutingService({ knex: env.knex, access, crm, leads, logger: env.logger });
  const routing: MailRouting = {
    service,
    routed: new RoutedMail({ knex: env.knex, access, customers }),
    links: new ThreadLinks({ knex: env.knex, access, customers, crm, logger: env.logger }),
    leads,
    crm,
  };
  const at = mail.hooks.findIndex(h => h.name === service.name);
  if (at >= 0) mail.hooks[at] = service;
  else mail.hooks.push(service);
  // the scheduler's every run: what the CRM could not answer before, and what a crash left pending
  const job = { name: 'routing', run: async () => void (await service.routePending()) };
  const j = mail.jobs.findIndex(x => x.name === job.name);
  if (j >= 0) mail.jobs[j] = job;
  else mail.jobs.push(job);
  installed.set(mail, routing);
  return routing;
}

/** The routing installed on these mail services (routes, webmail's thread links). */
export function routingOf(mail: MailServices): MailRouting {
  const routing = installed.get(mail);
  if (!routing) throw new Error('mail routing is not installed; createMail installs it');
  return routing;
}
