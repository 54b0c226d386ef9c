import { useSearchParams } from 'react-router-dom';

export interface UrlListDefaults {
  /** the sort field when the URL names none */
  sort: string;
  order: 'asc' | 'desc';
  pageSize?: number;
  /** the page sizes offered; a URL asking for another size gets the default */
  pageSizes?: number[];
  /**
   * Whether the user may sort by a field; a shared link may name one that is
   * hidden from them (or not sortable at all), which the backend would refuse,
   * so it falls back to the default order.
   */
  isSortable?: (field: string) => boolean;
}

const DEFAULT_PAGE_SIZES = [10, 25, 50, 100];

/**
 * List state kept in the URL query (page, pageSize, sort, order and any filters),
 * so a reload or a shared link shows the same view. Values equal to the
 * defaults stay out of the URL, which keeps shared links short.
 */
export function useUrlListState(defaults: UrlListDefaults) {
  const [params, setParams] = useSearchParams();
  const pageSizes = defaults.pageSizes ?? DEFAULT_PAGE_SIZES;
  const defaultPageSize = defaults.pageSize ?? 25;
  const page = Math.max(0, Number(params.get('page') ?? 0) || 0);
  const rawSize = Number(params.get('pageSize') ?? defaultPageSize);
  const pageSize = pageSizes.includes(rawSize) ? rawSize : defaultPageSize;
  const urlSort = params.get('sort') || '';
  const refused = !!urlSort && defaults.isSortable?.(urlSort) === false;
  const sort = urlSort && !refused ? urlSort : defaults.sort;
  const urlOrder = refused ? null : params.get('order');
  // eslint-disable-next-line no-nested-ternary
  const order = (urlOrder === 'asc' ? 'asc' : urlOrder === 'desc' ? 'desc' : defaults.order) as 'asc' | 'desc';
  const get = (key: string) => params.get(key) ?? '';
  const getList = (key: string) => (params.get(key) ?? '').split(',').filter(Boolean);

  /** Sets keys (empty values are removed); filters reset the page unless `page` is given. */
  const update = (changes: Record<string, string | number | null | undefined | string[]>) => {
    setParams(
      prev => {
        const next = new URLSearchParams(prev);
        for (const [k, v] of Object.entries(changes)) {
          // eslint-disable-next-line no-nested-ternary
          const s = Array.isArray(v) ? v.join(',') : v === null || v === undefined ? '' : String(v);
          if (s === '') next.delete(k);
          else next.set(k, s);
        }
        if (!('page' in changes)) next.delete('page');
        return next;
      },
      { replace: true },
    );
  };
  const clear = (keys: string[]) => update(Object.fromEntries(keys.map(k => [k, null])));

  return {
    params,
    page,
    pageSize,
    sort,
    order,
    get,
    getList,
    update,
    clear,
    /** what ServerGrid offers and leaves out of the URL */
    pageSizes,
    defaults: { sort: defaults.sort, order: defaults.order, pageSize: defaultPageSize },
  };
}

export type UrlListState = ReturnType<typeof useUrlListState>;
