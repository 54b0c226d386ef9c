import { act, renderHook, waitFor } from '@testing-library/react';
import { useLoad } from './useLoad';

describe('useLoad', () => {
  it('is loading until the promise settles, then holds the value', async () => {
    let resolve!: (v: string) => void;
    const fn = jest.fn(() => new Promise<string>(r => (resolve = r)));
    const { result } = renderHook(() => useLoad(fn, []));
    expect(result.current).toMatchObject({ loading: true, value: undefined, error: undefined });
    await act(async () => resolve('客户'));
    expect(result.current).toMatchObject({ loading: false, value: '客户', error: undefined });
    expect(fn).toHaveBeenCalledTimes(1);
  });

  it('reports an error and loads again on retry', async () => {
    const fn = jest
      .fn<Promise<number>, []>()
      .mockRejectedValueOnce(new Error('网络错误'))
      .mockResolvedValueOnce(42);
    const { result } = renderHook(() => useLoad(fn, []));
    await waitFor(() => expect(result.current.loading).toBe(false));
    expect(result.current.error?.message).toBe('网络错误');
    expect(result.current.value).toBeUndefined();

    act(() => result.current.retry());
    expect(result.current).toMatchObject({ loading: true, error: undefined });
    await waitFor(() => expect(result.current.loading).toBe(false));
    expect(result.current).toMatchObject({ value: 42, error: undefined });
    expect(fn).toHaveBeenCalledTimes(2);
  });

  it('keeps only the answer of the newest call when deps change quickly', async () => {
    const resolvers: Record<string, (v: string) => void> = {};
    const { result, rerender } = renderHook(
      ({ id }) => useLoad(() => new Promise<string>(r => (resolvers[id] = r)), [id]),
      { initialProps: { id: 'a' } },
    );
    rerender({ id: 'b' });
    await act(async () => resolvers.b('B'));
    await act(async () => resolvers.a('A'));
    expect(result.current.value).toBe('B');
  });
});
