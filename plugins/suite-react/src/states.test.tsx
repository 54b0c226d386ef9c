import { fireEvent, screen } from '@testing-library/react';
import { renderInTestApp } from '@backstage/frontend-test-utils';
import { ErrorState, httpStatus } from './states';

class SomeApiError extends Error {
  constructor(readonly status: number, message: string) {
    super(message);
  }
}

// the test app answers in English, the default language of the suite's messages
async function renderError(error: unknown, onRetry = jest.fn()) {
  renderInTestApp(<ErrorState error={error} onRetry={onRetry} testId="x-error-state" />);
  await screen.findByTestId('x-error-state');
  return onRetry;
}

describe('ErrorState', () => {
  it('offers a retry for a failure that may pass', async () => {
    const onRetry = await renderError(new SomeApiError(500, 'Internal error'));
    const state = screen.getByTestId('x-error-state');
    expect(state).toHaveTextContent('Could not load the data');
    expect(state).toHaveTextContent('Internal error');
    expect(screen.getByTestId('ErrorOutlineIcon')).toBeInTheDocument();
    fireEvent.click(screen.getByRole('button', { name: 'Retry' }));
    expect(onRetry).toHaveBeenCalledTimes(1);
  });

  it('shows a lock and no retry when forbidden', async () => {
    await renderError(new SomeApiError(403, 'No permission'));
    expect(screen.getByTestId('x-error-state')).toHaveTextContent('Could not load the data');
    expect(screen.getByTestId('LockOutlinedIcon')).toBeInTheDocument();
    expect(screen.queryByRole('button')).not.toBeInTheDocument();
  });

  it('says not found, without a retry', async () => {
    // a plain object with a status counts too: no plugin's error class is needed
    await renderError({ status: 404, toString: () => 'Customer gone' });
    const state = screen.getByTestId('x-error-state');
    expect(state).toHaveTextContent('Not found');
    expect(state).toHaveTextContent('Customer gone');
    expect(screen.queryByTestId('LockOutlinedIcon')).not.toBeInTheDocument();
    expect(screen.queryByRole('button')).not.toBeInTheDocument();
  });

  it('treats errors without a numeric status as retryable', async () => {
    expect(httpStatus({ status: '404' })).toBeUndefined();
    expect(httpStatus(null)).toBeUndefined();
    await renderError(new Error('offline'));
    expect(screen.getByRole('button', { name: 'Retry' })).toBeInTheDocument();
  });
});
