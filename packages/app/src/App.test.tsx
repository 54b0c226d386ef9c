import { render, screen } from '@testing-library/react';

jest.setTimeout(60_000);

describe('App', () => {
  beforeEach(() => {
    window.localStorage.clear();
  });

  it('renders the demo sign-in page', async () => {
    process.env = {
      NODE_ENV: 'test',
      APP_CONFIG: [
        {
          data: {
            app: { title: 'Test', signIn: { mode: 'demo' } },
            backend: { baseUrl: 'http://localhost:7007' },
          },
          context: 'test',
        },
      ] as any,
    };
    const fetchMock = jest.fn(async (url: string) => {
      if (String(url).endsWith('/api/demo-sign-in/users')) {
        return {
          ok: true,
          status: 200,
          json: async () => [
            { ref: 'user:default/zhouhao', name: 'zhouhao', displayName: '周浩', title: '销售经理', department: '华东销售部' },
          ],
        };
      }
      return { ok: false, status: 404, statusText: 'Not Found', json: async () => ({}) };
    });
    (globalThis as any).fetch = fetchMock;

    const { default: app } = await import('./App');
    render(app);

    expect(await screen.findByText('选择演示用户', {}, { timeout: 40000 })).toBeInTheDocument();
    expect(await screen.findByText('周浩')).toBeInTheDocument();
    expect(screen.getByText('华东销售部')).toBeInTheDocument();
  });
});
