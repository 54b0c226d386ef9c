/** English texts of the shared UI building blocks (the default language of suiteTranslationRef). */
export const suiteMessagesEn = {
  meta: {
    /** the language these messages are written in; picks the DataGrid's own locale texts */
    locale: 'en',
  },
  states: {
    loading: 'Loading…',
    loadFailed: 'Could not load the data',
    notFound: 'Not found',
    retry: 'Retry',
  },
  alerts: {
    reload: 'Reload',
    staleTitle: 'The record was changed by someone else',
    staleHint: 'Reload to see the latest version, then apply your changes again.',
  },
  pickers: {
    noOptions: 'No matches',
    /** between the departments an option lists */
    listSeparator: ', ',
  },
  confirm: {
    cancel: 'Cancel',
  },
};
