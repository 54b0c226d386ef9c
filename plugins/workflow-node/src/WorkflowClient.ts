import { AuthService, DiscoveryService } from '@backstage/backend-plugin-api';
import type { DocumentSubmission, InstanceOutcome, WorkflowInstance } from '@cocrm/plugin-workflow-common';

export interface ResubmitRequest {
  /** the applicant on whose behalf the owning plugin resubmits */
  applicant: string;
  title?: string;
  amount?: number | null;
  fields?: Record<string, unknown>;
  chosenApprovers?: Record<string, string[]>;
}

/**
 * A refusal or failure answered by the workflow plugin: its status and the
 * message of the suite's error body (`{ error: { name, message } }`) in the
 * language asked for, so a 409 「已在审批中」 can reach the user unchanged.
 */
export class WorkflowRequestError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
    this.name = 'WorkflowRequestError';
  }

  static is(e: unknown): e is WorkflowRequestError {
    return e instanceof WorkflowRequestError;
  }
}

/**
 * The workflow API as another backend plugin calls it, with its own service
 * identity: submit a document, resubmit it after 退回, ask where it stands.
 * Answers other than 2xx throw WorkflowRequestError.
 */
export class WorkflowClient {
  constructor(private readonly deps: { discovery: DiscoveryService; auth: AuthService }) {}

  submit(submission: DocumentSubmission, locale?: string): Promise<WorkflowInstance> {
    return this.call('POST', '/instances', submission, locale);
  }

  resubmit(instanceId: string, request: ResubmitRequest, locale?: string): Promise<WorkflowInstance> {
    return this.call('POST', `/instances/${encodeURIComponent(instanceId)}/resubmit`, request, locale);
  }

  /** The approval of a document, or null when it was never submitted. */
  async outcome(documentType: string, documentId: string): Promise<InstanceOutcome | null> {
    const q = new URLSearchParams({ documentType, documentId });
    try {
      return await this.call<InstanceOutcome>('GET', `/outcome?${q}`);
    } catch (e) {
      if (WorkflowRequestError.is(e) && e.status === 404) return null;
      throw e;
    }
  }

  private async call<T>(method: string, path: string, body?: unknown, locale?: string): Promise<T> {
    const baseUrl = await this.deps.discovery.getBaseUrl('workflow');
    const { token } = await this.deps.auth.getPluginRequestToken({
      onBehalfOf: await this.deps.auth.getOwnServiceCredentials(),
      targetPluginId: 'workflow',
    });
    const res = await fetch(`${baseUrl}${path}`, {
      method,
      headers: {
        Authorization: `Bearer ${token}`,
        ...(body === undefined ? {} : { 'Content-Type': 'application/json' }),
        ...(locale ? { 'Accept-Language': locale } : {}),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    if (!res.ok) throw new WorkflowRequestError(res.status, await errorMessage(res));
    return (await res.json()) as T;
  }
}

async function errorMessage(res: Response): Promise<string> {
  const text = await res.text();
  try {
    const message = (JSON.parse(text) as { error?: { message?: unknown } }).error?.message;
    if (typeof message === 'string' && message) return message;
  } catch {
    // not the suite's JSON body (a proxy's error page): fall through
  }
  return `workflow plugin answered ${res.status} ${res.statusText}`.trim();
}
