import { configure } from '@testing-library/react';
import '@testing-library/jest-dom';

// jsdom lacks these; MUI X DataGrid and React Flow use them.
class ResizeObserverStub {
  observe() {}
  unobserve() {}
  disconnect() {}
}
const g = globalThis as any;
g.ResizeObserver = g.ResizeObserver ?? ResizeObserverStub;
if (!g.DOMMatrixReadOnly) {
  g.DOMMatrixReadOnly = class {
    m22 = 1;
  };
}

// CI runs every package's tests at once on two cores: give async UI (lookups, lazy pages) time to settle
configure({ asyncUtilTimeout: 15000 });
