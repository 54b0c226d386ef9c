import { configure } from '@testing-library/react';
import '@testing-library/jest-dom';

// jsdom lacks ResizeObserver; MUI X DataGrid needs it.
class ResizeObserverStub {
  observe() {}
  unobserve() {}
  disconnect() {}
}
const g = globalThis as { ResizeObserver?: unknown };
g.ResizeObserver = g.ResizeObserver ?? ResizeObserverStub;

// CI runs every package's tests at once on two cores: give async UI (lookups, lazy pages) time to settle
configure({ asyncUtilTimeout: 15000 });
